import { describe, expect, it } from 'vitest';
import { narrativeOf, newComposition, noteView, signedComposition, textOfNarrative } from './note.composition';
import { templateById } from './note.templates';

describe('section narrative', () => {
  it('escapes the author’s words into XHTML and reads them back unchanged', () => {
    const text = 'BP <140/90> & "stable"\n  — no change';
    const div = narrativeOf(text);
    expect(div).toBe(
      '<div xmlns="http://www.w3.org/1999/xhtml"><pre>BP &lt;140/90&gt; &amp; &quot;stable&quot;\n  — no change</pre></div>',
    );
    expect(textOfNarrative(div)).toBe(text);
    expect(textOfNarrative('<div xmlns="http://www.w3.org/1999/xhtml"><p>Written <b>elsewhere</b></p></div>')).toBe(
      'Written elsewhere',
    );
  });
});

describe('notes as Compositions', () => {
  const author = { identifier: { system: 'urn:test', value: 'u1' } };
  const soap = templateById('soap')!;

  it('keeps only sections with text, in template order, coded and keyed', () => {
    const draft = newComposition(
      soap,
      { patient: 'Patient/p', sections: { plan: 'Rest', subjective: 'Tired', objective: '  ' } },
      author,
      '2024-01-01T00:00:00Z',
    );
    expect(draft.status).toBe('preliminary');
    expect(draft.section?.map((section) => [section.id, section.code?.coding?.[0]?.code])).toEqual([
      ['subjective', '61150-9'],
      ['plan', '18776-5'],
    ]);
    const view = noteView(draft);
    expect(view.sections.map((section) => section.text)).toEqual(['Tired', '', '', 'Rest']);
    expect(view.status).toBe('draft');
  });

  it('signs with a legal attester naming who and when', () => {
    const draft = newComposition(soap, { patient: 'Patient/p', sections: { plan: 'Rest' } }, author, 'x');
    const signed = signedComposition(draft, author, '2024-01-02T10:00:00Z');
    expect(signed.status).toBe('final');
    expect(signed.attester).toEqual([{ mode: 'legal', time: '2024-01-02T10:00:00Z', party: author }]);
    expect(noteView(signed).signed).toEqual({ by: author, at: '2024-01-02T10:00:00Z' });
  });
});
