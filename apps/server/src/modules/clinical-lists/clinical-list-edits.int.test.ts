import type { AllergyIntolerance, Condition } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { clinicalListsClinic } from './clinical-lists.fixtures';

const clinic = clinicalListsClinic();

const code = (concept: { coding?: { code?: string }[] } | undefined) => concept?.coding?.[0]?.code;
const notes = (resource: { note?: { text: string }[] }) => (resource.note ?? []).map((n) => n.text);

describe('editing a problem (PATCH /patients/{id}/problems/{itemId})', () => {
  it('changes onset and severity, resolves with its date in the same change, and notes each change', async () => {
    const patient = await clinic.newPatient('Abernathy');
    const created = await clinic.physician.request('POST', `/patients/${patient}/problems`, {
      code: 'I10',
      onset: '2018-05-01',
      severity: 'mild',
    });
    const id = (created.json() as Condition).id;

    const edited = await clinic.physician.request('PATCH', `/patients/${patient}/problems/${id}`, {
      onset: '2017-11-20',
      severity: 'moderate',
      verificationStatus: 'provisional',
      note: 'Earlier readings found in the referral letter',
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const problem = edited.json() as Condition;
    expect(problem.onsetDateTime).toBe('2017-11-20');
    expect(problem.severity?.coding?.[0]).toMatchObject({ code: '6736007', display: 'Moderate' });
    expect(code(problem.verificationStatus)).toBe('provisional');
    expect(notes(problem)).toEqual([
      'onset 2018-05-01 → 2017-11-20; severity mild → moderate; verification confirmed → provisional: Earlier readings found in the referral letter',
    ]);

    const resolved = await clinic.physician.request('PATCH', `/patients/${patient}/problems/${id}`, {
      clinicalStatus: 'resolved',
      date: '2024-02-10',
      severity: null,
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(code(resolved.json().clinicalStatus)).toBe('resolved');
    expect(resolved.json().abatementDateTime).toBe('2024-02-10');
    expect(resolved.json().severity).toBeUndefined();
    expect(notes(resolved.json()).at(-1)).toBe(
      'severity moderate → none; clinical status active → resolved on 2024-02-10',
    );

    // Back again: only as a recurrence, and the refusal says where it can go.
    const active = await clinic.physician.request('PATCH', `/patients/${patient}/problems/${id}`, {
      clinicalStatus: 'active',
    });
    expect(active.statusCode).toBe(422);
    expect(active.json()).toMatchObject({
      code: 'CLINICAL_LIST_INVALID_TRANSITION',
      path: 'clinicalStatus',
      allowedTransitions: ['recurrence'],
    });
    const recurred = await clinic.physician.request('PATCH', `/patients/${patient}/problems/${id}`, {
      clinicalStatus: 'recurrence',
      date: '2025-01-03',
      onset: null,
    });
    expect(recurred.statusCode, recurred.body).toBe(200);
    expect(code(recurred.json().clinicalStatus)).toBe('recurrence');
    expect(recurred.json().abatementDateTime).toBeUndefined();
    expect(recurred.json().onsetDateTime).toBeUndefined();

    // Each change is a version on the audit trail, by the physician.
    const trail = await clinic.app.db.asOwner((db) =>
      db.query<{ action: string }>(
        `SELECT action FROM audit_event WHERE resource_type = 'Condition' AND resource_id = $1 ORDER BY seq`,
        [id],
      ),
    );
    expect(trail.rows.map((row) => row.action)).toEqual(['create', 'update', 'update', 'update']);
  });

  it('refuses dates out of order, a date without a status, an empty edit and a problem entered in error', async () => {
    const patient = await clinic.newPatient('Brandvold');
    const id = (
      await clinic.physician.request('POST', `/patients/${patient}/problems`, {
        text: 'Plantar fasciitis',
        onset: '2023-03-01',
      })
    ).json().id;
    const patch = (body: unknown) => clinic.physician.request('PATCH', `/patients/${patient}/problems/${id}`, body);

    const early = await patch({ clinicalStatus: 'resolved', date: '2022-12-31' });
    expect(early.statusCode).toBe(400);
    expect(early.json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'date' });
    expect(early.json().detail).toContain('must not be before the onset (2023-03-01)');
    expect((await patch({ clinicalStatus: 'resolved', date: '2023-09-01' })).statusCode).toBe(200);
    const late = await patch({ onset: '2024-01-01' });
    expect(late.statusCode).toBe(400);
    expect(late.json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'onset' });

    expect((await patch({ date: '2024-01-01' })).json()).toMatchObject({ path: 'date' });
    expect((await patch({})).json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'onset' });
    expect((await patch({ severity: 'fatal' })).json()).toMatchObject({ path: 'severity' });
    expect((await patch({ onset: 'spring' })).json()).toMatchObject({ path: 'onset' });

    const wrong = await clinic.physician.request('POST', `/patients/${patient}/problems/${id}/entered-in-error`, {
      reason: 'duplicate',
    });
    expect(wrong.statusCode, wrong.body).toBe(200);
    // A resolved problem entered in error drops its abatement with its clinical status (FHIR con-4, con-5).
    expect(wrong.json().abatementDateTime).toBeUndefined();
    const afterError = await patch({ note: 'still here?' });
    expect(afterError.statusCode).toBe(422);
    expect(afterError.json()).toMatchObject({ code: 'CLINICAL_LIST_RULE', path: 'verificationStatus' });

    const missing = await clinic.physician.request('PATCH', `/patients/${patient}/problems/no-such-problem`, {
      note: 'x',
    });
    expect(missing.statusCode).toBe(404);
    // Nurses read the problem list but do not change it (the FHIR policy decides).
    const other = (await clinic.physician.request('POST', `/patients/${patient}/problems`, { code: 'I10' })).json().id;
    const byNurse = await clinic.nurse.request('PATCH', `/patients/${patient}/problems/${other}`, { severity: 'mild' });
    expect(byNurse.statusCode).toBe(403);
  });
});

describe('editing an allergy (PATCH /patients/{id}/allergies/{itemId})', () => {
  it('changes criticality, reactions and verification, keeping coded manifestations sent back', async () => {
    const patient = await clinic.newPatient('Castellanos');
    const created = (
      await clinic.nurse.request('POST', `/patients/${patient}/allergies`, {
        substance: 'Amoxicillin',
        category: ['medication'],
        criticality: 'low',
        verificationStatus: 'unconfirmed',
        reactions: [{ manifestations: [{ system: 'snomed', code: '271807003', display: 'Skin rash' }] }],
      })
    ).json() as AllergyIntolerance;

    const edited = await clinic.nurse.request('PATCH', `/patients/${patient}/allergies/${created.id}`, {
      criticality: 'high',
      verificationStatus: 'confirmed',
      reactions: [
        {
          manifestations: [{ system: 'http://snomed.info/sct', code: '271807003', display: 'Skin rash' }],
          severity: 'severe',
        },
        { manifestations: ['Wheezing'], severity: 'moderate' },
      ],
      note: 'Confirmed by the allergy clinic',
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const allergy = edited.json() as AllergyIntolerance;
    expect(allergy.criticality).toBe('high');
    expect(code(allergy.verificationStatus)).toBe('confirmed');
    expect(allergy.reaction?.map((r) => r.severity)).toEqual(['severe', 'moderate']);
    expect(allergy.reaction?.[0]?.manifestation[0]?.coding?.[0]).toMatchObject({
      system: 'http://snomed.info/sct',
      code: '271807003',
    });
    expect(allergy.reaction?.[1]?.manifestation[0]).toEqual({ text: 'Wheezing' });
    expect(allergy.category).toEqual(['medication']);
    expect(notes(allergy)).toEqual([
      'criticality low → high; reactions Skin rash → Skin rash (severe); Wheezing (moderate); verification unconfirmed → confirmed: Confirmed by the allergy clinic',
    ]);

    const cleared = await clinic.nurse.request('PATCH', `/patients/${patient}/allergies/${created.id}`, {
      criticality: null,
      reactions: [],
    });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().criticality).toBeUndefined();
    expect(cleared.json().reaction).toBeUndefined();

    const badSeverity = await clinic.nurse.request('PATCH', `/patients/${patient}/allergies/${created.id}`, {
      reactions: [{ manifestations: ['Hives'], severity: 'fatal' }],
    });
    expect(badSeverity.statusCode).toBe(400);
    expect(badSeverity.json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'reactions.0.severity' });
    const badCode = await clinic.nurse.request('PATCH', `/patients/${patient}/allergies/${created.id}`, {
      reactions: [{ manifestations: [{ system: 'snomed', code: 'rash' }] }],
    });
    expect(badCode.statusCode).toBe(422);
    expect(badCode.json()).toMatchObject({ code: 'CLINICAL_LIST_UNKNOWN_CODE', path: 'reactions.0.manifestations.0' });
    const empty = await clinic.nurse.request('PATCH', `/patients/${patient}/allergies/${created.id}`, {});
    expect(empty.json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'criticality' });
    // Nothing refused was written.
    const stored = (await clinic.nurse.fhir.get(`AllergyIntolerance/${created.id}`)).json() as AllergyIntolerance;
    expect(stored.meta?.versionId).toBe(cleared.json().meta.versionId);
  });

  it('holds the "no known allergy" rules and the entered-in-error rule on edits', async () => {
    const patient = await clinic.newPatient('Dimitrova');
    const allergy = (
      await clinic.nurse.request('POST', `/patients/${patient}/allergies`, {
        substance: 'Latex',
        category: ['environment'],
        verificationStatus: 'refuted',
      })
    ).json() as AllergyIntolerance;
    const nka = (await clinic.nurse.request('POST', `/patients/${patient}/allergies/no-known`, {})).json();

    // "No known allergy" has no reactions or criticality to edit.
    const detail = await clinic.nurse.request('PATCH', `/patients/${patient}/allergies/${nka.id}`, {
      criticality: 'high',
    });
    expect(detail.statusCode).toBe(422);
    expect(detail.json()).toMatchObject({ code: 'CLINICAL_LIST_RULE', path: 'criticality' });

    // Confirming the refuted allergy puts it back in force beside "no known allergy": refused, or retire it.
    const confirm = await clinic.nurse.request('PATCH', `/patients/${patient}/allergies/${allergy.id}`, {
      verificationStatus: 'confirmed',
      criticality: 'high',
    });
    expect(confirm.statusCode).toBe(409);
    expect(confirm.json()).toMatchObject({
      code: 'CLINICAL_LIST_ALLERGY_CONFLICT',
      conflicting: [`AllergyIntolerance/${nka.id}`],
    });
    const unchanged = (await clinic.nurse.fhir.get(`AllergyIntolerance/${allergy.id}`)).json() as AllergyIntolerance;
    expect(unchanged.criticality).toBeUndefined();
    const replaced = await clinic.nurse.request('PATCH', `/patients/${patient}/allergies/${allergy.id}`, {
      verificationStatus: 'confirmed',
      criticality: 'high',
      replaceNoKnownAllergies: true,
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    const active = await clinic.nurse.request('GET', `/patients/${patient}/allergies?status=active`);
    expect(active.json().items.map((a: AllergyIntolerance) => a.id)).toEqual([allergy.id]);

    await clinic.nurse.request('POST', `/patients/${patient}/allergies/${allergy.id}/entered-in-error`, {
      reason: 'wrong patient',
    });
    const afterError = await clinic.nurse.request('PATCH', `/patients/${patient}/allergies/${allergy.id}`, {
      criticality: 'low',
    });
    expect(afterError.statusCode).toBe(422);
    expect(afterError.json()).toMatchObject({ code: 'CLINICAL_LIST_RULE', path: 'verificationStatus' });
  });
});
