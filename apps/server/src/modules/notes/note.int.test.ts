import type { Composition } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newTenantId, type SignedIn, signIn, type TestApp } from '../../../test/test-app';

let app: TestApp;
let author: SignedIn;
let colleague: SignedIn;
let patientId: string;
let encounterId: string;

beforeAll(async () => {
  app = await createTestApp({ authRequired: true });
  const tenantId = newTenantId();
  author = await signIn(app, { role: 'physician', tenantId });
  colleague = await signIn(app, { role: 'physician', tenantId });
  patientId = (await author.fhir.create({ resourceType: 'Patient', name: [{ family: 'Haddad' }] })).id;
  const encounter = await author.request('POST', '/encounters', { patient: patientId, class: 'AMB' });
  encounterId = encounter.json().id;
});
afterAll(async () => app?.close());

async function draft(sections: Record<string, string> = { subjective: 'Cough for 2 weeks <no fever>' }) {
  const res = await author.request('POST', '/notes', {
    template: 'soap',
    patient: `Patient/${patientId}`,
    encounter: encounterId,
    sections,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('clinical notes', () => {
  it('lists the SOAP, progress and discharge templates with their sections', async () => {
    const res = await author.request('GET', '/notes/templates');
    expect(res.statusCode).toBe(200);
    const templates = res.json() as { id: string; sections: { key: string; code?: { code: string } }[] }[];
    expect(templates.map((template) => template.id)).toEqual(['soap', 'progress', 'discharge']);
    expect(templates[0]!.sections.map((section) => section.key)).toEqual([
      'subjective',
      'objective',
      'assessment',
      'plan',
    ]);
    expect(templates[0]!.sections[0]!.code?.code).toBe('61150-9');
  });

  it('drafts from a template, edits the draft, stores a preliminary Composition', async () => {
    const note = await draft();
    expect(note).toMatchObject({ status: 'draft', template: 'soap', encounter: `Encounter/${encounterId}` });
    expect(note.sections[0]).toEqual({ key: 'subjective', title: 'Subjective', text: 'Cough for 2 weeks <no fever>' });
    const edited = await author.request('PATCH', `/notes/${note.id}`, {
      sections: { objective: 'Temp 38.2 °C, crackles right base', assessment: 'Community-acquired pneumonia' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().sections.map((section: { text: string }) => section.text)).toEqual([
      'Cough for 2 weeks <no fever>',
      'Temp 38.2 °C, crackles right base',
      'Community-acquired pneumonia',
      '',
    ]);
    const composition = (await author.fhir.get(`Composition/${note.id}`)).json() as Composition;
    expect(composition.status).toBe('preliminary');
    expect(composition.type.coding?.[0]?.code).toBe('11506-3');
    expect(composition.section?.map((section) => section.code?.coding?.[0]?.code)).toEqual([
      '61150-9',
      '61149-1',
      '51848-0',
    ]);
    expect(composition.section?.[0]?.text?.div).toContain('&lt;no fever&gt;');
    const foreign = await colleague.request('PATCH', `/notes/${note.id}`, { sections: { plan: 'x' } });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('NOTE_NOT_AUTHOR');
    const badSection = await author.request('PATCH', `/notes/${note.id}`, { sections: { diagnosis: 'x' } });
    expect(badSection.json()).toMatchObject({ code: 'NOTE_INVALID_REQUEST', path: 'sections.diagnosis' });
  });

  it('is signed by its author only, then read-only; corrected by a signed addendum', async () => {
    const note = await draft({ subjective: 'Headache', plan: 'Paracetamol 1 g' });
    const notAuthor = await colleague.request('POST', `/notes/${note.id}/sign`);
    expect(notAuthor.statusCode).toBe(403);
    const early = await author.request('POST', `/notes/${note.id}/addenda`, { text: 'too early' });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('NOTE_NOT_SIGNED');

    const signed = await author.request('POST', `/notes/${note.id}/sign`);
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json().status).toBe('signed');
    expect(signed.json().signed.by.identifier.value).toBe(author.userId);
    const composition = (await author.fhir.get(`Composition/${note.id}`)).json() as Composition;
    expect(composition.status).toBe('final');
    expect(composition.attester?.[0]).toMatchObject({ mode: 'legal', party: { identifier: { value: author.userId } } });
    expect(composition.attester?.[0]?.time).toBeDefined();

    const edit = await author.request('PATCH', `/notes/${note.id}`, { sections: { plan: 'Ibuprofen' } });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().code).toBe('NOTE_SIGNED');
    const again = await author.request('POST', `/notes/${note.id}/sign`);
    expect(again.json().code).toBe('NOTE_SIGNED');
    // Nor through the FHIR API: PUT, PATCH and DELETE of a signed Composition are refused.
    const put = await author.fhir.put(`Composition/${note.id}`, { ...composition, title: 'changed' });
    expect(put.statusCode).toBe(422);
    expect(put.json().issue[0]).toMatchObject({ code: 'business-rule', expression: ['Composition.status'] });
    const patch = await author.fhir.patch(`Composition/${note.id}`, [{ op: 'replace', path: '/title', value: 'x' }]);
    expect(patch.statusCode).toBe(422);
    expect((await author.fhir.delete(`Composition/${note.id}`)).statusCode).toBe(422);
    // Merging two records of one patient moves the signed note's patient references, and only those.
    const survivor = await author.fhir.create({ resourceType: 'Patient', name: [{ family: 'Haddad' }] });
    const moved = await author.fhir.put(`Composition/${note.id}`, {
      ...composition,
      subject: { reference: `Patient/${survivor.id}` },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const back = await author.fhir.put(`Composition/${note.id}`, {
      ...composition,
      subject: { reference: `Patient/${patientId}` },
    });
    expect(back.statusCode).toBe(200);
    expect((await author.request('GET', `/notes/${note.id}`)).json().sections[3].text).toBe('Paracetamol 1 g');

    // A colleague corrects it with an addendum, which they sign themselves.
    const addendum = await colleague.request('POST', `/notes/${note.id}/addenda`, {
      text: 'Patient reports an allergy to paracetamol; plan changed to ibuprofen 400 mg.',
    });
    expect(addendum.statusCode, addendum.body).toBe(201);
    expect(addendum.json()).toMatchObject({ status: 'draft', addendumTo: note.id, template: 'addendum' });
    const addendumId = addendum.json().id;
    expect((await author.request('POST', `/notes/${addendumId}/sign`)).statusCode).toBe(403);
    const signedAddendum = await colleague.request('POST', `/notes/${addendumId}/sign`);
    expect(signedAddendum.json().status).toBe('signed');
    const stored = (await author.fhir.get(`Composition/${addendumId}`)).json() as Composition;
    expect(stored.relatesTo).toEqual([{ code: 'appends', targetReference: { reference: `Composition/${note.id}` } }]);
    expect(stored.status).toBe('final');

    const original = (await author.request('GET', `/notes/${note.id}`)).json();
    expect(original.addenda).toEqual([addendumId]);
    const listed = (await author.request('GET', `/notes?encounter=${encounterId}`)).json();
    expect(listed.map((entry: { id: string }) => entry.id)).toEqual(expect.arrayContaining([note.id, addendumId]));
  });

  it('will not sign an empty note, and checks patient and encounter', async () => {
    const empty = await draft({});
    const res = await author.request('POST', `/notes/${empty.id}/sign`);
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('NOTE_EMPTY');
    const unknownTemplate = await author.request('POST', '/notes', { template: 'letter', patient: patientId });
    expect(unknownTemplate.json()).toMatchObject({ code: 'NOTE_INVALID_REQUEST', path: 'template' });
    const other = await author.fhir.create({ resourceType: 'Patient', name: [{ family: 'Other' }] });
    const mismatch = await author.request('POST', '/notes', {
      template: 'progress',
      patient: other.id,
      encounter: encounterId,
    });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json()).toMatchObject({ code: 'NOTE_REFERENCE_MISMATCH', path: 'encounter' });
    const unfiltered = await author.request('GET', '/notes');
    expect(unfiltered.json()).toMatchObject({ code: 'NOTE_INVALID_REQUEST', path: 'patient' });
    const byPatient = (await author.request('GET', `/notes?patient=${patientId}`)).json();
    expect(byPatient.map((entry: { id: string }) => entry.id)).toContain(empty.id);
    const missing = await author.request('GET', '/notes/nope');
    expect(missing.json().code).toBe('NOTE_NOT_FOUND');
  });
});
