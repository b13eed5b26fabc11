import type { AllergyIntolerance } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  allergyChanges,
  allergyForm,
  conceptInput,
  reactionsCheck,
  reactionsInput,
  reactionsSummary,
} from './allergy-edit';
import { allergyLabel } from './problem-list';

const SNOMED = 'http://snomed.info/sct';
const allergy: AllergyIntolerance = {
  resourceType: 'AllergyIntolerance',
  id: 'a1',
  patient: { reference: 'Patient/p' },
  clinicalStatus: { coding: [{ code: 'active' }] },
  verificationStatus: { coding: [{ code: 'unconfirmed' }] },
  criticality: 'low',
  code: { text: 'Penicillin' },
  reaction: [
    {
      manifestation: [{ coding: [{ system: SNOMED, code: '271807003', display: 'Skin rash' }], text: 'Rash' }],
      severity: 'mild',
      description: 'After the second dose',
    },
    { manifestation: [{ text: 'Wheezing' }, { text: 'Throat tightness' }] },
  ],
};

describe('editing an allergy', () => {
  it('shows each reaction in words and keeps its codes while the words are unchanged', () => {
    const form = allergyForm(allergy);
    expect(form.reactions.map((row) => [row.text, row.severity])).toEqual([
      ['Rash', 'mild'],
      ['Wheezing, Throat tightness', null],
    ]);
    expect(reactionsInput(form.reactions)).toEqual([
      {
        manifestations: [{ system: SNOMED, code: '271807003', display: 'Skin rash', text: 'Rash' }],
        severity: 'mild',
        description: 'After the second dose',
      },
      { manifestations: ['Wheezing', 'Throat tightness'] },
    ]);
    // Rewritten words become free text; an empty row is dropped.
    const rewritten = [
      { ...form.reactions[0]!, text: 'Hives' },
      { text: '', severity: null },
    ];
    expect(reactionsInput(rewritten)).toEqual([
      { manifestations: ['Hives'], severity: 'mild', description: 'After the second dose' },
    ]);
    expect(conceptInput({ coding: [{ code: 'x' }] })).toBe('x');
  });

  it('sends only what changed, reactions as a whole list', () => {
    const before = allergyForm(allergy);
    expect(allergyChanges(before, before)).toBeUndefined();
    const severe = before.reactions.map((row, index) => (index === 1 ? { ...row, severity: 'severe' as const } : row));
    const changes = allergyChanges(before, {
      ...before,
      criticality: 'high',
      verificationStatus: 'confirmed',
      reactions: severe,
    });
    expect(changes).toMatchObject({ criticality: 'high', verificationStatus: 'confirmed' });
    expect(changes?.reactions?.map((reaction) => reaction.severity)).toEqual(['mild', 'severe']);
    expect(changes).not.toHaveProperty('clinicalStatus');
    expect(allergyChanges(before, { ...before, criticality: null })).toEqual({ criticality: null });
  });

  it('asks what the severity is of, and names severe reactions in the list and the banner', () => {
    expect(reactionsCheck([{ text: ' ', severity: 'severe' }])).toBe('Describe the reaction the severity is of');
    expect(reactionsCheck([{ text: 'Hives', severity: 'severe' }])).toBeUndefined();
    expect(reactionsSummary(allergy)).toBe('Rash (mild); Wheezing, Throat tightness');
    expect(allergyLabel(allergy, 'Penicillin')).toBe('Penicillin');
    const severe = {
      ...allergy,
      reaction: [{ manifestation: [{ text: 'Anaphylaxis' }], severity: 'severe' as const }],
    };
    expect(allergyLabel(severe, 'Penicillin')).toBe('Penicillin (severe reaction)');
  });
});
