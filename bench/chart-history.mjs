// A chronic patient's chart over several years, generated deterministically (same input, same resources):
// primary-care visits every three weeks with vital signs and a signed progress note, quarterly lab panels
// with their report and order, medication renewals, problems (chronic and resolved), immunizations,
// procedures, two allergies, a risk flag, an open order and three hospital stays with vitals three
// times a day and a discharge summary. Used by bench/chart.mjs.

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const SNOMED = 'http://snomed.info/sct';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const DAY = 86_400_000;

/** A small deterministic generator (mulberry32), so two runs seed identical charts. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const category = (code) => [{ coding: [{ system: OBSERVATION_CATEGORY, code }] }];
const quantity = (value, unit) => ({ value, unit, system: UCUM, code: unit });
const round = (value, decimals) => Math.round(value * 10 ** decimals) / 10 ** decimals;

const LABS = [
  ['4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', '%', 7.4, 0.8, 1],
  ['2339-0', 'Glucose [Mass/volume] in Blood', 'mg/dL', 150, 35, 0],
  ['2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 'mg/dL', 1.2, 0.25, 2],
  ['33914-3', 'Glomerular filtration rate/1.73 sq M.predicted', 'mL/min/{1.73_m2}', 62, 12, 0],
  ['2823-3', 'Potassium [Moles/volume] in Serum or Plasma', 'mmol/L', 4.4, 0.4, 1],
  ['2951-2', 'Sodium [Moles/volume] in Serum or Plasma', 'mmol/L', 139, 3, 0],
  ['2093-3', 'Cholesterol [Mass/volume] in Serum or Plasma', 'mg/dL', 190, 30, 0],
  ['18262-6', 'Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay', 'mg/dL', 110, 25, 0],
  ['2085-9', 'Cholesterol in HDL [Mass/volume] in Serum or Plasma', 'mg/dL', 45, 8, 0],
  ['2571-8', 'Triglyceride [Mass/volume] in Serum or Plasma', 'mg/dL', 170, 50, 0],
];

const MEDICATIONS = [
  ['860975', 'Metformin hydrochloride 500 MG Oral Tablet', 'Take one tablet twice daily with meals'],
  ['314076', 'Lisinopril 10 MG Oral Tablet', 'Take one tablet daily'],
  ['617310', 'Atorvastatin 20 MG Oral Tablet', 'Take one tablet daily at night'],
];

const CHRONIC = [
  [0, '44054006', 'Type 2 diabetes mellitus'],
  [1, '38341003', 'Essential hypertension'],
  [2, '55822004', 'Hyperlipidemia'],
  [8, '433144002', 'Chronic kidney disease stage 3'],
];
const EPISODES = [
  ['10509002', 'Acute bronchitis'],
  ['44465007', 'Sprain of ankle'],
  ['68566005', 'Urinary tract infection'],
  ['195662009', 'Acute viral pharyngitis'],
  ['36971009', 'Sinusitis'],
];

/**
 * Transaction Bundles (each at most `bundleSize` entries) holding the history of `patientRef`, written
 * by `practitionerRef`, over `years` ending at `end`. References inside one visit (encounter, report
 * results, note) use urn:uuid full URLs, so a visit never spans two Bundles.
 */
export function chartHistory({
  patientRef,
  practitionerRef,
  years = 10,
  end = Date.UTC(2026, 10, 1, 9),
  bundleSize = 500,
}) {
  const next = random(20261124);
  const jitter = (spread) => (next() * 2 - 1) * spread;
  let counter = 0;
  const urn = () => `urn:uuid:00000000-0000-4000-8000-${(++counter).toString(16).padStart(12, '0')}`;
  const subject = { reference: patientRef };
  const author = { reference: practitionerRef };
  const start = end - years * 365.25 * DAY;
  const groups = [];
  let weight = 92;

  const entry = (resource, fullUrl = urn()) => ({
    fullUrl,
    resource,
    request: { method: 'POST', url: resource.resourceType },
  });
  const vital = (encounter, when, code, display, value, unit) =>
    entry({
      resourceType: 'Observation',
      status: 'final',
      category: category('vital-signs'),
      code: { coding: [{ system: LOINC, code, display }], text: display },
      subject,
      encounter: { reference: encounter },
      effectiveDateTime: when,
      valueQuantity: quantity(value, unit),
    });
  const bloodPressure = (encounter, when, systolic, diastolic) =>
    entry({
      resourceType: 'Observation',
      status: 'final',
      category: category('vital-signs'),
      code: { coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel' }], text: 'Blood pressure' },
      subject,
      encounter: { reference: encounter },
      effectiveDateTime: when,
      component: [
        {
          code: { coding: [{ system: LOINC, code: '8480-6', display: 'Systolic blood pressure' }] },
          valueQuantity: quantity(systolic, 'mm[Hg]'),
        },
        {
          code: { coding: [{ system: LOINC, code: '8462-4', display: 'Diastolic blood pressure' }] },
          valueQuantity: quantity(diastolic, 'mm[Hg]'),
        },
      ],
    });
  const vitalSet = (encounter, when, withHeight) => {
    weight = round(Math.min(110, Math.max(75, weight + jitter(1.2))), 1);
    const set = [
      vital(encounter, when, '8310-5', 'Body temperature', round(36.8 + jitter(0.4), 1), 'Cel'),
      vital(encounter, when, '8867-4', 'Heart rate', Math.round(74 + jitter(10)), '/min'),
      vital(encounter, when, '9279-1', 'Respiratory rate', Math.round(15 + jitter(3)), '/min'),
      vital(
        encounter,
        when,
        '59408-5',
        'Oxygen saturation in Arterial blood by Pulse oximetry',
        Math.round(96 + jitter(2)),
        '%',
      ),
      bloodPressure(encounter, when, Math.round(138 + jitter(14)), Math.round(84 + jitter(8))),
      vital(encounter, when, '29463-7', 'Body weight', weight, 'kg'),
      vital(encounter, when, '39156-5', 'Body mass index', round(weight / 1.76 ** 2, 1), 'kg/m2'),
    ];
    if (withHeight) set.push(vital(encounter, when, '8302-2', 'Body height', 176, 'cm'));
    return set;
  };
  const note = (encounter, when, template, title, sections) =>
    entry({
      resourceType: 'Composition',
      extension: [{ url: 'https://meridian.health/fhir/StructureDefinition/note-template', valueCode: template }],
      status: 'final',
      type: {
        coding: [
          template === 'discharge'
            ? { system: LOINC, code: '18842-5', display: 'Discharge summary' }
            : { system: LOINC, code: '11506-3', display: 'Progress note' },
        ],
        text: title,
      },
      subject,
      encounter: { reference: encounter },
      date: when,
      author: [author],
      title,
      attester: [{ mode: 'legal', time: when, party: author }],
      section: sections.map(([id, sectionTitle, text]) => ({
        id,
        title: sectionTitle,
        text: {
          status: 'generated',
          div: `<div xmlns="http://www.w3.org/1999/xhtml"><pre>${text}</pre></div>`,
        },
      })),
    });

  // Visits every three weeks.
  let visit = 0;
  for (let at = start; at < end; at += 21 * DAY, visit++) {
    const when = new Date(at + Math.round(jitter(2)) * DAY).toISOString();
    const year = Math.floor((at - start) / (365.25 * DAY));
    const encounter = urn();
    const group = [
      entry(
        {
          resourceType: 'Encounter',
          status: 'finished',
          class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
          type: [
            {
              coding: [{ system: SNOMED, code: '185349003', display: 'Encounter for check up' }],
              text: 'Follow-up visit',
            },
          ],
          subject,
          participant: [{ individual: author }],
          period: { start: when, end: new Date(Date.parse(when) + 30 * 60_000).toISOString() },
        },
        encounter,
      ),
      ...vitalSet(encounter, when, visit % 17 === 0),
      note(encounter, when, 'progress', 'Progress note', [
        ['interval-history', 'Interval history', `Visit ${visit + 1}. Feels well; home glucose readings reviewed.`],
        ['examination', 'Examination', 'Chest clear. Heart sounds normal. Feet: sensation intact, no ulcers.'],
        ['assessment', 'Assessment', 'Type 2 diabetes and hypertension, stable on current treatment.'],
        ['plan', 'Plan', 'Continue medication. Diet and exercise advice repeated. Review in three weeks.'],
      ]),
    ];
    // Quarterly: a lab panel with its order and report, and medication renewals.
    if (visit % 4 === 0) {
      const order = urn();
      group.push(
        entry(
          {
            resourceType: 'ServiceRequest',
            status: 'completed',
            intent: 'order',
            code: {
              coding: [{ system: LOINC, code: '24323-8', display: 'Comprehensive metabolic panel' }],
              text: 'Diabetes review panel',
            },
            subject,
            encounter: { reference: encounter },
            authoredOn: when,
            requester: author,
          },
          order,
        ),
      );
      const results = LABS.map(([code, display, unit, base, spread, decimals]) => {
        const result = entry({
          resourceType: 'Observation',
          status: 'final',
          category: category('laboratory'),
          code: { coding: [{ system: LOINC, code, display }], text: display },
          subject,
          encounter: { reference: encounter },
          basedOn: [{ reference: order }],
          effectiveDateTime: when,
          issued: new Date(Date.parse(when) + DAY).toISOString(),
          valueQuantity: quantity(round(base + jitter(spread), decimals), unit),
        });
        group.push(result);
        return result.fullUrl;
      });
      group.push(
        entry({
          resourceType: 'DiagnosticReport',
          status: 'final',
          category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB' }] }],
          code: {
            coding: [{ system: LOINC, code: '24323-8', display: 'Comprehensive metabolic panel' }],
            text: 'Diabetes review panel',
          },
          subject,
          encounter: { reference: encounter },
          basedOn: [{ reference: order }],
          effectiveDateTime: when,
          issued: new Date(Date.parse(when) + DAY).toISOString(),
          result: results.map((reference) => ({ reference })),
        }),
      );
      for (const [index, [code, text, instruction]] of MEDICATIONS.entries()) {
        if (index > year) continue; // one more medicine each of the first years
        group.push(
          entry({
            resourceType: 'MedicationRequest',
            status: at + 120 * DAY > end ? 'active' : 'completed',
            intent: 'order',
            medicationCodeableConcept: {
              coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code, display: text }],
              text,
            },
            subject,
            encounter: { reference: encounter },
            authoredOn: when,
            requester: author,
            dosageInstruction: [{ text: instruction }],
          }),
        );
      }
    }
    // Once a year: the flu vaccine, the diabetic foot and eye examinations, and an acute episode.
    if (visit % 17 === 8) {
      group.push(
        entry({
          resourceType: 'Immunization',
          status: 'completed',
          vaccineCode: {
            coding: [
              { system: 'http://hl7.org/fhir/sid/cvx', code: '140', display: 'Influenza, seasonal, injectable' },
            ],
          },
          patient: subject,
          encounter: { reference: encounter },
          occurrenceDateTime: when,
        }),
        entry({
          resourceType: 'Procedure',
          status: 'completed',
          code: { coding: [{ system: SNOMED, code: '401191002', display: 'Diabetic foot examination' }] },
          subject,
          encounter: { reference: encounter },
          performedDateTime: when,
        }),
        entry({
          resourceType: 'Procedure',
          status: 'completed',
          code: { coding: [{ system: SNOMED, code: '252779009', display: 'Retinal photography' }] },
          subject,
          encounter: { reference: encounter },
          performedDateTime: when,
        }),
      );
      const [code, display] = EPISODES[year % EPISODES.length];
      group.push(
        entry({
          resourceType: 'Condition',
          clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: 'resolved' }] },
          verificationStatus: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
          },
          category: [
            {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' },
              ],
            },
          ],
          code: { coding: [{ system: SNOMED, code, display }], text: display },
          subject,
          encounter: { reference: encounter },
          onsetDateTime: when,
          abatementDateTime: new Date(Date.parse(when) + 14 * DAY).toISOString(),
        }),
      );
    }
    groups.push(group);
  }

  // Three hospital stays of four days: vitals three times a day and a discharge summary.
  for (const fraction of [0.25, 0.55, 0.85]) {
    const admitted = Math.round(start + fraction * (end - start));
    const encounter = urn();
    const discharged = new Date(admitted + 4 * DAY).toISOString();
    const group = [
      entry(
        {
          resourceType: 'Encounter',
          status: 'finished',
          class: {
            system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
            code: 'IMP',
            display: 'inpatient encounter',
          },
          type: [{ text: 'Hospital admission' }],
          subject,
          participant: [{ individual: author }],
          period: { start: new Date(admitted).toISOString(), end: discharged },
        },
        encounter,
      ),
    ];
    for (let round8h = 0; round8h < 12; round8h++) {
      group.push(...vitalSet(encounter, new Date(admitted + round8h * 8 * 3_600_000).toISOString(), false).slice(0, 5));
    }
    group.push(
      note(encounter, discharged, 'discharge', 'Discharge summary', [
        ['hospital-course', 'Hospital course', 'Admitted with community-acquired pneumonia; treated and improved.'],
        ['discharge-diagnoses', 'Discharge diagnoses', 'Community-acquired pneumonia, resolved.'],
      ]),
    );
    groups.push(group);
  }

  // What stays on the chart: chronic problems, allergies, a risk flag, an open order, other vaccines.
  const standing = [];
  for (const [year, code, display] of CHRONIC) {
    standing.push(
      entry({
        resourceType: 'Condition',
        clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: 'active' }] },
        verificationStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
        },
        category: [
          {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }],
          },
        ],
        code: { coding: [{ system: SNOMED, code, display }], text: display },
        subject,
        onsetDateTime: new Date(start + (year + 0.3) * 365.25 * DAY).toISOString(),
        recordedDate: new Date(start + (year + 0.3) * 365.25 * DAY).toISOString(),
      }),
    );
  }
  for (const [code, display, criticality] of [
    ['764146007', 'Penicillin', 'high'],
    ['387406002', 'Sulfonamide', 'low'],
  ]) {
    standing.push(
      entry({
        resourceType: 'AllergyIntolerance',
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
        },
        verificationStatus: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' },
          ],
        },
        type: 'allergy',
        category: ['medication'],
        criticality,
        code: { coding: [{ system: SNOMED, code, display }], text: display },
        patient: subject,
        recordedDate: new Date(start).toISOString(),
        reaction: [{ manifestation: [{ text: code === '764146007' ? 'Hives' : 'Rash' }] }],
      }),
    );
  }
  standing.push(
    entry({
      resourceType: 'Flag',
      status: 'active',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'safety' }] }],
      code: { text: 'Fall risk' },
      subject,
      period: { start: new Date(end - 400 * DAY).toISOString() },
    }),
    entry({
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      code: { coding: [{ system: LOINC, code: '57698-3', display: 'Lipid panel' }], text: 'Lipid panel' },
      subject,
      authoredOn: new Date(end - 3 * DAY).toISOString(),
      requester: author,
    }),
  );
  for (const [offset, code, display] of [
    [1, '115', 'Tdap'],
    [5, '133', 'Pneumococcal conjugate PCV 13'],
    [6, '208', 'COVID-19, mRNA'],
    [7, '208', 'COVID-19, mRNA'],
  ]) {
    standing.push(
      entry({
        resourceType: 'Immunization',
        status: 'completed',
        vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code, display }] },
        patient: subject,
        occurrenceDateTime: new Date(start + offset * 365.25 * DAY).toISOString(),
      }),
    );
  }
  groups.push(standing);

  // Whole groups into Bundles of at most bundleSize entries.
  const bundles = [];
  let current = [];
  for (const group of groups) {
    if (current.length && current.length + group.length > bundleSize) {
      bundles.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length) bundles.push(current);
  const count = bundles.reduce((sum, entries) => sum + entries.length, 0);
  return {
    count,
    bundles: bundles.map((entries) => ({ resourceType: 'Bundle', type: 'transaction', entry: entries })),
  };
}
