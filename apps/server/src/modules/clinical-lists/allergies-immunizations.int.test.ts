import type { AllergyIntolerance, Immunization } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { clinicalListsClinic } from './clinical-lists.fixtures';

const clinic = clinicalListsClinic();

const clinical = (allergy: AllergyIntolerance) => allergy.clinicalStatus?.coding?.[0]?.code;

describe('allergies and intolerances', () => {
  it('a nurse records an allergy with its reactions and their severity', async () => {
    const patient = await clinic.newPatient('Nakamura');
    const res = await clinic.nurse.request('POST', `/patients/${patient}/allergies`, {
      substance: { system: 'rxnorm', code: '7980', display: 'Penicillin G' },
      type: 'allergy',
      category: ['medication'],
      criticality: 'high',
      onset: '2015-07',
      reactions: [
        { manifestations: [{ system: 'snomed', code: '271807003', display: 'Skin rash' }], severity: 'moderate' },
        { manifestations: ['Wheezing', 'Throat tightness'], severity: 'severe', description: 'Needed adrenaline' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const allergy = res.json() as AllergyIntolerance;
    expect(allergy.code?.coding?.[0]).toEqual({
      system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
      code: '7980',
      display: 'Penicillin G',
    });
    expect(allergy).toMatchObject({ type: 'allergy', category: ['medication'], criticality: 'high' });
    expect(clinical(allergy)).toBe('active');
    expect(allergy.reaction?.map((r) => r.severity)).toEqual(['moderate', 'severe']);
    expect(allergy.reaction?.[1]?.manifestation.map((m) => m.text)).toEqual(['Wheezing', 'Throat tightness']);
    expect(allergy.recorder?.identifier?.value).toBe(clinic.nurse.userId);

    const intolerance = await clinic.nurse.request('POST', `/patients/${patient}/allergies`, {
      substance: 'Lactose',
      type: 'intolerance',
      category: ['food'],
      criticality: 'low',
    });
    expect(intolerance.statusCode, intolerance.body).toBe(201);
    const list = await clinic.nurse.request('GET', `/patients/${patient}/allergies?type=allergy`);
    expect(list.json().items.map((a: AllergyIntolerance) => a.id)).toEqual([allergy.id]);

    const resolved = await clinic.nurse.request(
      'POST',
      `/patients/${patient}/allergies/${intolerance.json().id}/status`,
      {
        clinicalStatus: 'resolved',
        note: 'Tolerates dairy now',
      },
    );
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(clinical(resolved.json())).toBe('resolved');
    const active = await clinic.nurse.request('GET', `/patients/${patient}/allergies?status=active`);
    expect(active.json().items.map((a: AllergyIntolerance) => a.id)).toEqual([allergy.id]);

    const bad = await clinic.nurse.request('POST', `/patients/${patient}/allergies`, {
      substance: 'Latex',
      reactions: [{ manifestations: ['Hives'], severity: 'fatal' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'reactions.0.severity' });
  });

  it('handles "no known allergy": refused beside an allergy in force, and an allergy refused beside it', async () => {
    const patient = await clinic.newPatient('Ferreira');
    const nka = await clinic.nurse.request('POST', `/patients/${patient}/allergies/no-known`, {});
    expect(nka.statusCode, nka.body).toBe(201);
    expect(nka.json().code.coding[0]).toMatchObject({ system: 'http://snomed.info/sct', code: '716186003' });
    const twice = await clinic.nurse.request('POST', `/patients/${patient}/allergies/no-known`, {});
    expect(twice.statusCode).toBe(409);

    const refused = await clinic.nurse.request('POST', `/patients/${patient}/allergies`, {
      substance: 'Peanut',
      category: ['food'],
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'CLINICAL_LIST_ALLERGY_CONFLICT',
      conflicting: [`AllergyIntolerance/${nka.json().id}`],
    });
    // Recorded anyway on purpose: the "no known allergy" is retired in the same change.
    const replaced = await clinic.nurse.request('POST', `/patients/${patient}/allergies`, {
      substance: 'Peanut',
      category: ['food'],
      replaceNoKnownAllergies: true,
    });
    expect(replaced.statusCode, replaced.body).toBe(201);
    const retired = (await clinic.nurse.fhir.get(`AllergyIntolerance/${nka.json().id}`)).json() as AllergyIntolerance;
    expect(clinical(retired)).toBe('inactive');

    const contradiction = await clinic.nurse.request('POST', `/patients/${patient}/allergies/no-known`, {
      scope: 'food',
    });
    expect(contradiction.statusCode).toBe(409);
    expect(contradiction.json().conflicting).toEqual([`AllergyIntolerance/${replaced.json().id}`]);
    // No known drug allergy does not contradict a food allergy.
    const nkda = await clinic.nurse.request('POST', `/patients/${patient}/allergies/no-known`, { scope: 'medication' });
    expect(nkda.statusCode, nkda.body).toBe(201);
    expect(nkda.json().code.coding[0].code).toBe('409137002');
    // Reactivating the retired "no known allergy" meets the same rule.
    const back = await clinic.nurse.request('POST', `/patients/${patient}/allergies/${nka.json().id}/status`, {
      clinicalStatus: 'active',
    });
    expect(back.statusCode).toBe(409);

    // The summary of the chart shows the allergies in force, "no known drug allergy" among them.
    const summary = await clinic.physician.request('GET', `/patients/${patient}/summary`);
    expect(summary.statusCode, summary.body).toBe(200);
    expect(
      summary
        .json()
        .allergies.map((a: AllergyIntolerance) => a.id)
        .sort(),
    ).toEqual([replaced.json().id, nkda.json().id].sort());
  });

  it('lets only one of "no known allergy" and an allergy recorded at the same moment through', async () => {
    const patients = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => clinic.newPatient(`Varga${n}`)));
    const outcomes = await Promise.all(
      patients.map(async (patient) => {
        const [nka, allergy] = await Promise.all([
          clinic.nurse.request('POST', `/patients/${patient}/allergies/no-known`, {}),
          clinic.physician.request('POST', `/patients/${patient}/allergies`, {
            substance: 'Aspirin',
            category: ['medication'],
          }),
        ]);
        const stored = await clinic.nurse.request('GET', `/patients/${patient}/allergies?status=active`);
        return { statuses: [nka.statusCode, allergy.statusCode].sort(), active: stored.json().items.length };
      }),
    );
    for (const outcome of outcomes) expect(outcome).toEqual({ statuses: [201, 409], active: 1 });
  });

  it('keeps an allergy entered in error so, through FHIR too', async () => {
    const patient = await clinic.newPatient('Osei');
    const allergy = (
      await clinic.nurse.request('POST', `/patients/${patient}/allergies`, { substance: 'Codeine' })
    ).json();
    const wrong = await clinic.nurse.request('POST', `/patients/${patient}/allergies/${allergy.id}/entered-in-error`, {
      reason: 'recorded on the wrong chart',
    });
    expect(wrong.statusCode, wrong.body).toBe(200);
    expect(wrong.json().clinicalStatus).toBeUndefined();
    const revived = await clinic.nurse.fhir.put(`AllergyIntolerance/${allergy.id}`, {
      ...(wrong.json() as AllergyIntolerance),
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
      },
      verificationStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' },
        ],
      },
    });
    expect(revived.statusCode).toBe(422);
    expect(revived.json().issue[0]).toMatchObject({
      code: 'business-rule',
      expression: ['AllergyIntolerance.verificationStatus'],
    });
    expect((await clinic.nurse.request('GET', `/patients/${patient}/allergies`)).json().items).toEqual([]);
  });
});

describe('immunizations', () => {
  it('a nurse records a vaccine given (CVX, lot, site, route, performer) and one not given with the reason', async () => {
    const patient = await clinic.newPatient('Kowalski');
    const given = await clinic.nurse.request('POST', `/patients/${patient}/immunizations`, {
      vaccine: '150',
      occurrence: '2025-10-01T10:15:00Z',
      lotNumber: 'FLU-2025-0042',
      expirationDate: '2026-06-30',
      site: 'LD',
      route: 'IM',
      dose: { value: 0.5, unit: 'mL' },
      doseNumber: 1,
    });
    expect(given.statusCode, given.body).toBe(201);
    const immunization = given.json() as Immunization;
    expect(immunization.vaccineCode.coding?.[0]).toEqual({
      system: 'http://hl7.org/fhir/sid/cvx',
      code: '150',
      display: 'Influenza, injectable, quadrivalent, preservative free',
    });
    expect(immunization).toMatchObject({
      status: 'completed',
      occurrenceDateTime: '2025-10-01T10:15:00Z',
      lotNumber: 'FLU-2025-0042',
      primarySource: true,
      doseQuantity: { value: 0.5, code: 'mL', system: 'http://unitsofmeasure.org' },
      protocolApplied: [{ doseNumberPositiveInt: 1 }],
    });
    expect(immunization.site?.coding?.[0]).toMatchObject({ code: 'LD', display: 'left deltoid' });
    expect(immunization.route?.coding?.[0]).toMatchObject({ code: 'IM' });
    expect(immunization.performer?.[0]?.function?.coding?.[0]?.code).toBe('AP');
    expect(immunization.performer?.[0]?.actor.identifier?.value).toBe(clinic.nurse.userId);

    const missingReason = await clinic.nurse.request('POST', `/patients/${patient}/immunizations`, {
      vaccine: '187',
      status: 'not-done',
    });
    expect(missingReason.statusCode).toBe(400);
    expect(missingReason.json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'statusReason' });
    const declined = await clinic.nurse.request('POST', `/patients/${patient}/immunizations`, {
      vaccine: '187',
      status: 'not-done',
      statusReason: 'PATOBJ',
    });
    expect(declined.statusCode, declined.body).toBe(201);
    expect(declined.json().statusReason.coding[0]).toMatchObject({ code: 'PATOBJ', display: 'patient objection' });
    expect(declined.json().performer).toBeUndefined();

    const list = await clinic.nurse.request('GET', `/patients/${patient}/immunizations?vaccine=150`);
    expect(list.json().items.map((i: Immunization) => i.id)).toEqual([immunization.id]);
    const notDone = await clinic.nurse.request('GET', `/patients/${patient}/immunizations?status=not-done`);
    expect(notDone.json().items.map((i: Immunization) => i.id)).toEqual([declined.json().id]);

    const unknown = await clinic.nurse.request('POST', `/patients/${patient}/immunizations`, { vaccine: '999' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'CLINICAL_LIST_UNKNOWN_CODE', path: 'vaccine', value: '999' });
    const badSite = await clinic.nurse.request('POST', `/patients/${patient}/immunizations`, {
      vaccine: '150',
      site: 'nose',
    });
    expect(badSite.json()).toMatchObject({ code: 'CLINICAL_LIST_INVALID_REQUEST', path: 'site' });

    // Given is given: it cannot become not-done through FHIR, only entered in error.
    const flipped = await clinic.nurse.fhir.put(`Immunization/${immunization.id}`, {
      ...immunization,
      status: 'not-done',
      statusReason: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'OSTOCK' }] },
    });
    expect(flipped.statusCode).toBe(422);
    expect(flipped.json().issue[0].expression).toEqual(['Immunization.status']);
    const wrong = await clinic.nurse.request(
      'POST',
      `/patients/${patient}/immunizations/${immunization.id}/entered-in-error`,
      {
        reason: 'duplicate entry',
      },
    );
    expect(wrong.json().status).toBe('entered-in-error');
    expect((await clinic.nurse.request('GET', `/patients/${patient}/immunizations?vaccine=150`)).json().items).toEqual(
      [],
    );
  });
});
