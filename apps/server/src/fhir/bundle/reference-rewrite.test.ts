import { describe, expect, it } from 'vitest';
import { collectConditionalReferences, parseConditionalReference, rewriteReferences } from './reference-rewrite';

const URN = 'urn:uuid:0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a00';

describe('rewriteReferences', () => {
  it('rewrites references, other links and narrative, at any depth, but not identifier values', () => {
    const resource = {
      resourceType: 'DocumentReference',
      masterIdentifier: { system: 'urn:ietf:rfc:3986', value: URN },
      identifier: [{ value: URN }],
      subject: { reference: URN },
      context: { related: [{ reference: URN }, { reference: 'Patient/kept' }] },
      content: [{ attachment: { url: URN } }],
      text: { status: 'generated', div: `<div><a href="${URN}">one</a> and <a href="${URN}">two</a></div>` },
    };
    const changed = rewriteReferences(resource, new Map([[URN, 'Patient/p1']]));
    expect(changed).toBe(4);
    expect(resource.subject.reference).toBe('Patient/p1');
    expect(resource.context.related.map((r) => r.reference)).toEqual(['Patient/p1', 'Patient/kept']);
    expect(resource.content[0]!.attachment.url).toBe('Patient/p1');
    expect(resource.text.div).toBe('<div><a href="Patient/p1">one</a> and <a href="Patient/p1">two</a></div>');
    expect(resource.masterIdentifier.value).toBe(URN);
    expect(resource.identifier[0]!.value).toBe(URN);
  });

  it('leaves a resource alone when nothing matches', () => {
    const resource = { resourceType: 'Patient', link: [{ other: { reference: 'urn:uuid:other' } }] };
    expect(rewriteReferences(resource, new Map([[URN, 'Patient/p1']]))).toBe(0);
    expect(resource.link[0]!.other.reference).toBe('urn:uuid:other');
  });
});

describe('conditional references', () => {
  it('finds them with their paths and reads their type and criteria', () => {
    const found = collectConditionalReferences({
      resourceType: 'Encounter',
      subject: { reference: 'Patient/1' },
      participant: [{ individual: { reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|99' } }],
    });
    expect(found).toEqual([
      {
        reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|99',
        path: 'participant[0].individual.reference',
      },
    ]);
    expect(parseConditionalReference(found[0]!.reference)).toEqual({
      type: 'Practitioner',
      query: 'identifier=http://hl7.org/fhir/sid/us-npi|99',
    });
    expect(parseConditionalReference('Patient/1')).toBeUndefined();
    expect(parseConditionalReference('#contained')).toBeUndefined();
  });
});
