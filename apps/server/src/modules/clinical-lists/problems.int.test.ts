import type { Condition } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { clinicalListsClinic } from './clinical-lists.fixtures';

const clinic = clinicalListsClinic();

const clinical = (condition: Condition) => condition.clinicalStatus?.coding?.[0]?.code;

describe('the problem list', () => {
  it('takes ICD-10-CM coded and free-text problems, resolves one and records its recurrence', async () => {
    const patient = await clinic.newPatient('Okonkwo');
    const diabetes = await clinic.physician.request('POST', `/patients/${patient}/problems`, {
      code: 'e119',
      onset: '2019-04-02',
      severity: 'moderate',
      note: 'Diet controlled at first',
    });
    expect(diabetes.statusCode, diabetes.body).toBe(201);
    const condition = diabetes.json() as Condition;
    // Normalised to the dotted form and named from the terminology.
    expect(condition.code?.coding?.[0]).toEqual({
      system: 'http://hl7.org/fhir/sid/icd-10-cm',
      code: 'E11.9',
      display: 'Type 2 diabetes mellitus without complications',
    });
    expect(condition.category?.[0]?.coding?.[0]?.code).toBe('problem-list-item');
    expect(clinical(condition)).toBe('active');
    expect(condition.verificationStatus?.coding?.[0]?.code).toBe('confirmed');
    expect(condition.recorder?.identifier?.value).toBe(clinic.physician.userId);
    expect(condition.onsetDateTime).toBe('2019-04-02');

    const text = await clinic.physician.request('POST', `/patients/${patient}/problems`, {
      text: 'Recurrent low back pain',
      onset: '2021-06',
    });
    expect(text.statusCode, text.body).toBe(201);
    const backPain = text.json() as Condition;
    expect(backPain.code).toEqual({ text: 'Recurrent low back pain' });

    const resolved = await clinic.physician.request('POST', `/patients/${patient}/problems/${backPain.id}/resolve`, {
      date: '2022-01-15',
      note: 'Pain free after physiotherapy',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(clinical(resolved.json())).toBe('resolved');
    expect(resolved.json().abatementDateTime).toBe('2022-01-15');

    const recurred = await clinic.physician.request('POST', `/patients/${patient}/problems/${backPain.id}/recurrence`, {
      date: '2024-09-01',
    });
    expect(recurred.statusCode, recurred.body).toBe(200);
    const recurrence = recurred.json() as Condition;
    expect(clinical(recurrence)).toBe('recurrence');
    // FHIR: an abated condition cannot be active; the earlier resolution stays in the notes and history.
    expect(recurrence.abatementDateTime).toBeUndefined();
    expect(recurrence.note?.map((n) => n.text)).toEqual([
      'clinical status active → resolved on 2022-01-15: Pain free after physiotherapy',
      'clinical status resolved → recurrence on 2024-09-01',
    ]);

    const active = await clinic.physician.request('GET', `/patients/${patient}/problems?status=active,recurrence`);
    expect(active.statusCode, active.body).toBe(200);
    expect(
      active
        .json()
        .items.map((c: Condition) => c.id)
        .sort(),
    ).toEqual([condition.id, backPain.id].sort());
    const onlyResolved = await clinic.physician.request('GET', `/patients/${patient}/problems?status=resolved`);
    expect(onlyResolved.json().items).toEqual([]);

    // Every change is on the audit trail, by whom and for which patient, through the FHIR writes themselves.
    const trail = await clinic.app.db.asOwner((db) =>
      db.query<{ action: string; resource_id: string; user_id: string }>(
        `SELECT action, resource_id, user_id FROM audit_event
          WHERE patient_id = $1 AND resource_type = 'Condition' ORDER BY seq`,
        [patient],
      ),
    );
    expect(trail.rows.filter((row) => row.resource_id === backPain.id).map((row) => row.action)).toEqual([
      'create',
      'update',
      'update',
    ]);
    expect(new Set(trail.rows.map((row) => row.user_id))).toEqual(new Set([clinic.physician.userId]));
  });

  it('refuses a transition the lifecycle does not allow with a 422 saying where it can go', async () => {
    const patient = await clinic.newPatient('Lindqvist');
    const created = await clinic.physician.request('POST', `/patients/${patient}/problems`, { code: 'I10' });
    const id = created.json().id;
    const recurrence = await clinic.physician.request('POST', `/patients/${patient}/problems/${id}/recurrence`, {});
    expect(recurrence.statusCode).toBe(422);
    expect(recurrence.headers['content-type']).toContain('application/problem+json');
    expect(recurrence.json()).toMatchObject({
      code: 'CLINICAL_LIST_INVALID_TRANSITION',
      path: 'clinicalStatus',
      from: 'active',
      to: 'recurrence',
      allowedTransitions: ['inactive', 'remission', 'resolved'],
    });
    // A problem entered in error stays so.
    const wrong = await clinic.physician.request('POST', `/patients/${patient}/problems/${id}/entered-in-error`, {
      reason: 'wrong patient',
    });
    expect(wrong.statusCode, wrong.body).toBe(200);
    expect(wrong.json().clinicalStatus).toBeUndefined();
    expect(wrong.json().verificationStatus.coding[0].code).toBe('entered-in-error');
    const revive = await clinic.physician.request('POST', `/patients/${patient}/problems/${id}/status`, {
      clinicalStatus: 'active',
    });
    expect(revive.statusCode).toBe(422);
    expect(revive.json()).toMatchObject({ code: 'CLINICAL_LIST_RULE', path: 'verificationStatus' });
    // Left out of the list unless asked for.
    const list = await clinic.physician.request('GET', `/patients/${patient}/problems`);
    expect(list.json().items).toEqual([]);
    const withErrors = await clinic.physician.request(
      'GET',
      `/patients/${patient}/problems?verificationStatus=entered-in-error`,
    );
    expect(withErrors.json().items.map((c: Condition) => c.id)).toEqual([id]);
  });

  it('holds the same rules for plain FHIR writes', async () => {
    const patient = await clinic.newPatient('Haddad');
    const created = (
      await clinic.physician.request('POST', `/patients/${patient}/problems`, { code: 'J45.909', onset: '2010' })
    ).json() as Condition;
    const resolvedWithoutDate = await clinic.physician.fhir.put(`Condition/${created.id}`, {
      ...created,
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }],
      },
    });
    expect(resolvedWithoutDate.statusCode).toBe(422);
    expect(resolvedWithoutDate.json().issue[0]).toMatchObject({
      code: 'business-rule',
      expression: ['Condition.abatement'],
    });
    const resolved = await clinic.physician.fhir.put(`Condition/${created.id}`, {
      ...created,
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }],
      },
      abatementDateTime: '2020-05-01',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    const backToActive = await clinic.physician.fhir.put(`Condition/${created.id}`, {
      ...(resolved.json() as Condition),
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      abatementDateTime: undefined,
    });
    expect(backToActive.statusCode).toBe(422);
    expect(backToActive.json().issue[0].expression).toEqual(['Condition.clinicalStatus']);
    expect(backToActive.json().issue[0].diagnostics).toContain('allowed: recurrence');
  });

  it('answers bad input with problem+json naming the field', async () => {
    const patient = await clinic.newPatient('Moreau');
    const post = (body: unknown) => clinic.physician.request('POST', `/patients/${patient}/problems`, body);
    const unknown = await post({ code: 'Q99.99' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(unknown.json()).toMatchObject({ code: 'CLINICAL_LIST_UNKNOWN_CODE', path: 'code', value: 'Q99.99' });
    const malformed = await post({ code: 'diabetes' });
    expect(malformed.json()).toMatchObject({ code: 'CLINICAL_LIST_UNKNOWN_CODE', path: 'code' });
    const otherSystem = await post({ code: { system: 'http://snomed.info/sct', code: '44054006' } });
    expect(otherSystem.json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'code.system' });
    const empty = await post({});
    expect(empty.json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'code' });
    const status = await post({ text: 'Gout', clinicalStatus: 'cured' });
    expect(status.json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'clinicalStatus' });
    const date = await post({ text: 'Gout', onset: 'last spring' });
    expect(date.json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'onset' });
    const resolvedEarly = await post({ text: 'Gout', clinicalStatus: 'resolved' });
    expect(resolvedEarly.json()).toMatchObject({ code: 'CLINICAL_LIST_RULE', path: 'abatement' });
    const abatedActive = await post({ text: 'Gout', abatement: '2020-01-01' });
    expect(abatedActive.json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'abatement' });
    const noPatient = await clinic.physician.request('POST', '/patients/no-such-patient/problems', { text: 'Gout' });
    expect(noPatient.json()).toMatchObject({ code: 'CLINICAL_LIST_REFERENCE_NOT_FOUND', path: 'patient' });
    const stored = await clinic.physician.fhir.get(`Condition?subject=Patient/${patient}`);
    expect(stored.json().entry ?? []).toEqual([]);
  });

  it('lets nurses read the problem list but not add to it (the FHIR policy decides)', async () => {
    const patient = await clinic.newPatient('Adeyemi');
    const refused = await clinic.nurse.request('POST', `/patients/${patient}/problems`, { code: 'I10' });
    expect(refused.statusCode).toBe(403);
    const stored = await clinic.physician.fhir.get(`Condition?subject=Patient/${patient}`);
    expect(stored.json().entry ?? []).toEqual([]);
    await clinic.physician.request('POST', `/patients/${patient}/problems`, { code: 'I10' });
    const read = await clinic.nurse.request('GET', `/patients/${patient}/problems`);
    expect(read.statusCode).toBe(200);
    expect(read.json().items).toHaveLength(1);
  });
});
