import type { Condition, Observation, Procedure } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { clinicalListsClinic } from './clinical-lists.fixtures';

const clinic = clinicalListsClinic();

const LATERALITY = 'http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier';

describe('procedures', () => {
  it('records a procedure with its code, date, body site and laterality, and moves it through its lifecycle', async () => {
    const patient = await clinic.newPatient('Bianchi');
    const encounter = (
      await clinic.physician.fhir.create({
        resourceType: 'Encounter',
        status: 'in-progress',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject: { reference: `Patient/${patient}` },
      })
    ).id;
    const res = await clinic.physician.request('POST', `/patients/${patient}/procedures`, {
      code: { system: 'cpt', code: '29881', display: 'Arthroscopy, knee, with meniscectomy' },
      performed: { start: '2025-03-04T08:00:00Z', end: '2025-03-04T09:10:00Z' },
      bodySites: [{ site: { system: 'snomed', code: '72696002', display: 'Knee region' }, laterality: 'left' }],
      reason: 'Medial meniscus tear',
      encounter: `Encounter/${encounter}`,
    });
    expect(res.statusCode, res.body).toBe(201);
    const procedure = res.json() as Procedure;
    expect(procedure).toMatchObject({
      status: 'completed',
      performedPeriod: { start: '2025-03-04T08:00:00Z', end: '2025-03-04T09:10:00Z' },
      encounter: { reference: `Encounter/${encounter}` },
      reasonCode: [{ text: 'Medial meniscus tear' }],
    });
    expect(procedure.code?.coding?.[0]).toMatchObject({ system: 'http://www.ama-assn.org/go/cpt', code: '29881' });
    const site = procedure.bodySite?.[0];
    expect(site?.coding?.[0]).toMatchObject({ system: 'http://snomed.info/sct', code: '72696002' });
    expect(site?.text).toBe('Left knee region');
    expect(site?.extension).toEqual([
      {
        url: LATERALITY,
        valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '7771000', display: 'Left' }] },
      },
    ]);
    expect(procedure.performer?.[0]?.actor.identifier?.value).toBe(clinic.physician.userId);

    const planned = await clinic.physician.request('POST', `/patients/${patient}/procedures`, {
      code: 'Bilateral cataract assessment',
      status: 'preparation',
      bodySites: [{ site: { system: 'snomed', code: '81745001', display: 'Eye' }, laterality: 'bilateral' }],
    });
    expect(planned.statusCode, planned.body).toBe(201);
    expect(planned.json().bodySite[0].text).toBe('Bilateral eye');
    expect(planned.json().performedDateTime).toBeUndefined();
    const id = planned.json().id;
    const started = await clinic.physician.request('POST', `/patients/${patient}/procedures/${id}/status`, {
      status: 'in-progress',
      date: '2025-04-01T10:00:00Z',
    });
    expect(started.json()).toMatchObject({ status: 'in-progress', performedPeriod: { start: '2025-04-01T10:00:00Z' } });
    const done = await clinic.physician.request('POST', `/patients/${patient}/procedures/${id}/status`, {
      status: 'completed',
      date: '2025-04-01T10:40:00Z',
    });
    expect(done.json()).toMatchObject({
      status: 'completed',
      performedPeriod: { start: '2025-04-01T10:00:00Z', end: '2025-04-01T10:40:00Z' },
    });
    const backwards = await clinic.physician.request('POST', `/patients/${patient}/procedures/${id}/status`, {
      status: 'in-progress',
    });
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json()).toMatchObject({
      code: 'CLINICAL_LIST_INVALID_TRANSITION',
      from: 'completed',
      allowedTransitions: ['entered-in-error'],
    });

    const list = await clinic.physician.request('GET', `/patients/${patient}/procedures?status=completed`);
    expect(
      list
        .json()
        .items.map((p: Procedure) => p.id)
        .sort(),
    ).toEqual([procedure.id, id].sort());

    const badLaterality = await clinic.physician.request('POST', `/patients/${patient}/procedures`, {
      code: 'Excision',
      bodySites: [{ site: 'Arm', laterality: 'middle' }],
    });
    expect(badLaterality.json()).toMatchObject({
      code: 'CLINICAL_LIST_INVALID_REQUEST',
      path: 'bodySites.0.laterality',
    });
    const badCode = await clinic.physician.request('POST', `/patients/${patient}/procedures`, {
      code: { system: 'cpt', code: 'ABC' },
    });
    expect(badCode.json()).toMatchObject({ code: 'CLINICAL_LIST_UNKNOWN_CODE', path: 'code' });
    // Nurses read procedures; recording them is a physician's (the default policy gives nurses no Procedure writes).
    expect((await clinic.nurse.request('GET', `/patients/${patient}/procedures`)).statusCode).toBe(200);
    expect(
      (await clinic.nurse.request('POST', `/patients/${patient}/procedures`, { code: 'Dressing' })).statusCode,
    ).toBe(403);
  });
});

describe('body-system assessments', () => {
  it('lists the body systems', async () => {
    const res = await clinic.nurse.request('GET', '/assessments/systems');
    expect(res.statusCode).toBe(200);
    const keys = res.json().systems.map((s: { system: string }) => s.system);
    for (const key of [
      'general',
      'heent',
      'cardiovascular',
      'respiratory',
      'abdomen',
      'musculoskeletal',
      'neurological',
      'skin',
      'psychiatric',
    ]) {
      expect(keys).toContain(key);
    }
  });

  it('records an examination by system with a finding at a body site and its laterality', async () => {
    const patient = await clinic.newPatient('Svensson');
    const res = await clinic.nurse.request('POST', `/patients/${patient}/assessments`, {
      kind: 'physical-exam',
      effective: '2025-05-02T09:30:00Z',
      systems: [
        { system: 'general', status: 'normal' },
        { system: 'cardiovascular', status: 'normal', finding: 'Regular rhythm, no murmurs' },
        { system: 'respiratory', status: 'abnormal', finding: 'Crackles at the right base' },
        { system: 'musculoskeletal', status: 'abnormal', finding: 'Swollen knee' },
      ],
      findings: [
        {
          system: 'musculoskeletal',
          site: { system: 'snomed', code: '72696002', display: 'Knee region' },
          laterality: 'right',
          finding: { system: 'snomed', code: '442315004', display: 'Swelling of knee joint' },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const assessment = res.json();
    expect(assessment.kind).toBe('physical-exam');
    expect(assessment.systems).toEqual([
      { system: 'general', display: 'General', status: 'normal' },
      { system: 'cardiovascular', display: 'Cardiovascular', status: 'normal', finding: 'Regular rhythm, no murmurs' },
      { system: 'respiratory', display: 'Respiratory', status: 'abnormal', finding: 'Crackles at the right base' },
      { system: 'musculoskeletal', display: 'Musculoskeletal', status: 'abnormal', finding: 'Swollen knee' },
    ]);
    expect(assessment.findings).toHaveLength(1);
    expect(assessment.findings[0]).toMatchObject({
      system: 'musculoskeletal',
      laterality: 'right',
      interpretation: 'abnormal',
    });
    const panel = assessment.observation as Observation;
    expect(panel.category?.[0]?.coding?.[0]?.code).toBe('exam');
    expect(panel.code.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '29545-1' });
    expect(panel.component?.[2]?.interpretation?.[0]?.coding?.[0]?.code).toBe('A');
    expect(panel.hasMember).toEqual([{ reference: `Observation/${assessment.findings[0].id}` }]);
    // Stored as FHIR: the finding is an Observation with its body site and laterality.
    const member = (await clinic.nurse.fhir.get(`Observation/${assessment.findings[0].id}`)).json() as Observation;
    expect(member.bodySite?.text).toBe('Right knee region');
    expect(member.bodySite?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code).toBe('24028007');
    expect(member.valueCodeableConcept?.coding?.[0]?.code).toBe('442315004');

    const review = await clinic.nurse.request('POST', `/patients/${patient}/assessments`, {
      kind: 'review-of-systems',
      systems: [
        { system: 'general', status: 'abnormal', finding: 'Fatigue for two weeks' },
        { system: 'psychiatric', status: 'normal' },
      ],
    });
    expect(review.statusCode, review.body).toBe(201);
    expect(review.json().observation.category[0].coding[0].code).toBe('survey');

    const list = await clinic.nurse.request('GET', `/patients/${patient}/assessments`);
    expect(list.statusCode, list.body).toBe(200);
    expect(
      list
        .json()
        .items.map((a: { kind: string }) => a.kind)
        .sort(),
    ).toEqual(['physical-exam', 'review-of-systems']);
    const exam = list.json().items.find((a: { kind: string }) => a.kind === 'physical-exam');
    expect(exam.findings[0].laterality).toBe('right');
    const exams = await clinic.nurse.request('GET', `/patients/${patient}/assessments?kind=review-of-systems`);
    expect(exams.json().items).toHaveLength(1);

    const wrong = await clinic.nurse.request(
      'POST',
      `/patients/${patient}/assessments/${assessment.id}/entered-in-error`,
      {
        reason: 'wrong patient',
      },
    );
    expect(wrong.statusCode, wrong.body).toBe(200);
    expect(wrong.json().status).toBe('entered-in-error');
    expect(wrong.json().members[0].status).toBe('entered-in-error');
    expect((await clinic.nurse.request('GET', `/patients/${patient}/assessments`)).json().items).toHaveLength(1);
    const revived = await clinic.nurse.fhir.put(`Observation/${assessment.id}`, {
      ...wrong.json().observation,
      status: 'final',
    });
    expect(revived.statusCode).toBe(422);
    expect(revived.json().issue[0].expression).toEqual(['Observation.status']);
  });

  it('answers bad input with problem+json naming the field', async () => {
    const patient = await clinic.newPatient('Dubois');
    const post = (body: unknown) => clinic.nurse.request('POST', `/patients/${patient}/assessments`, body);
    const noFinding = await post({ kind: 'physical-exam', systems: [{ system: 'skin', status: 'abnormal' }] });
    expect(noFinding.statusCode).toBe(400);
    expect(noFinding.headers['content-type']).toContain('application/problem+json');
    expect(noFinding.json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'systems.0.finding' });
    const unknownSystem = await post({ kind: 'physical-exam', systems: [{ system: 'spleen', status: 'normal' }] });
    expect(unknownSystem.json()).toMatchObject({ path: 'systems.0.system' });
    const twice = await post({
      kind: 'physical-exam',
      systems: [
        { system: 'skin', status: 'normal' },
        { system: 'skin', status: 'normal' },
      ],
    });
    expect(twice.json()).toMatchObject({ path: 'systems.1.system' });
    const empty = await post({ kind: 'review-of-systems' });
    expect(empty.json()).toMatchObject({ path: 'systems' });
    const badSite = await post({
      kind: 'physical-exam',
      findings: [{ system: 'skin', site: { system: 'snomed', code: 'forearm' }, finding: 'Rash' }],
    });
    expect(badSite.statusCode).toBe(422);
    expect(badSite.json()).toMatchObject({ code: 'CLINICAL_LIST_UNKNOWN_CODE', path: 'findings.0.site' });
    const stored = await clinic.nurse.fhir.get(`Observation?subject=Patient/${patient}`);
    expect(stored.json().entry ?? []).toEqual([]);
  });
});

describe('the patient summary', () => {
  it('shows the active problems and allergies written here, not the resolved or inactive ones', async () => {
    const patient = await clinic.newPatient('Mensah');
    const problem = async (body: unknown) =>
      (await clinic.physician.request('POST', `/patients/${patient}/problems`, body)).json() as Condition;
    const hypertension = await problem({ code: 'I10' });
    const asthma = await problem({ code: 'J45.909' });
    const sprain = await problem({ text: 'Ankle sprain' });
    await clinic.physician.request('POST', `/patients/${patient}/problems/${sprain.id}/resolve`, {
      date: '2025-01-10',
    });
    await clinic.physician.request('POST', `/patients/${patient}/problems/${asthma.id}/resolve`, {
      date: '2020-01-10',
    });
    await clinic.physician.request('POST', `/patients/${patient}/problems/${asthma.id}/recurrence`, {
      date: '2025-02-01',
    });
    const allergy = (
      await clinic.nurse.request('POST', `/patients/${patient}/allergies`, {
        substance: { system: 'rxnorm', code: '2670' },
      })
    ).json();
    const inactive = (
      await clinic.nurse.request('POST', `/patients/${patient}/allergies`, { substance: 'Shellfish' })
    ).json();
    await clinic.nurse.request('POST', `/patients/${patient}/allergies/${inactive.id}/status`, {
      clinicalStatus: 'inactive',
    });

    const summary = await clinic.physician.request('GET', `/patients/${patient}/summary`);
    expect(summary.statusCode, summary.body).toBe(200);
    expect(
      summary
        .json()
        .problems.map((c: Condition) => c.id)
        .sort(),
    ).toEqual([hypertension.id, asthma.id].sort());
    expect(summary.json().allergies.map((a: { id: string }) => a.id)).toEqual([allergy.id]);
  });
});

describe('OpenAPI', () => {
  it('documents every list under its tag', async () => {
    const res = await clinic.app.app.inject({ method: 'GET', url: '/docs/json' });
    const paths = res.json().paths as Record<string, Record<string, { tags?: string[]; summary?: string }>>;
    for (const list of ['problems', 'allergies', 'immunizations', 'procedures', 'assessments']) {
      expect(paths[`/patients/{id}/${list}`]?.post?.tags, list).toEqual([list]);
      expect(paths[`/patients/{id}/${list}/{itemId}/entered-in-error`]?.post?.summary, list).toBeDefined();
    }
    expect(paths['/assessments/systems']?.get?.tags).toEqual(['assessments']);
  });
});
