// Patients benchmarks: duplicate check on a large population, and the chart summary and timeline of a
// patient with ten years of history. Usage:
//   node bench/patients.mjs [--engine pglite|postgres|both] [--patients 100000] [--observations 100000]
//                           [--years 10] [--duration 10] [--clients 1,16]
//                           [--workloads duplicates,match,summary,timeline] [--root <checkout>]
// Starts a real server per engine, seeds it through the FHIR API (transaction Bundles, so MRNs and
// blocking keys are written as in production) and measures with autocannon, one client and sixteen.
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { authHeaders, ingest, load, OBSERVATION_CODES, postJson, startServer } from './lib.mjs';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    patients: { type: 'string', default: '100000' },
    observations: { type: 'string', default: '100000' },
    years: { type: 'string', default: '10' },
    duration: { type: 'string', default: '10' },
    clients: { type: 'string', default: '1,16' },
    workloads: { type: 'string', default: 'duplicates,match,summary,timeline' },
    // Another checkout (a git worktree sharing this one's node_modules) whose server to run.
    root: { type: 'string' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const patientCount = Number(values.patients);
const observationCount = Number(values.observations);
const years = Number(values.years);
const duration = Number(values.duration);
const engines = values.engine === 'both' ? ['postgres', 'pglite'] : [values.engine];
const clientCounts = values.clients.split(',').map(Number);
const workloads = new Set(values.workloads.split(','));

// A deterministic population: 6,000 family names and 400 given names built from syllables, plus 2% Smiths
// and Johnsons so the common-name blocks are as large as in a real register.
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ran',
  'del',
  'to',
  'bre',
  'sun',
  'gar',
  'vi',
  'hol',
  'ma',
  'ne',
  'ri',
  'son',
  'ber',
  'wen',
  'cha',
  'dor',
  'fi',
];
const syllableName = (n, parts) => {
  let name = '';
  for (let p = 0; p < parts; p++) {
    name += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return name[0].toUpperCase() + name.slice(1);
};
const FAMILY_COUNT = 6000;
const GIVEN_COUNT = 400;
function mix(i) {
  // A small integer hash so neighbouring indexes differ in every field.
  let x = (i + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function person(i) {
  const h = mix(i);
  const family = h % 50 === 0 ? 'Smith' : h % 50 === 1 ? 'Johnson' : syllableName(h % FAMILY_COUNT, 3);
  const given = syllableName(mix(h) % GIVEN_COUNT, 2);
  const year = 1935 + (h % 85);
  const month = String(1 + (mix(i + 1) % 12)).padStart(2, '0');
  const day = String(1 + (mix(i + 2) % 28)).padStart(2, '0');
  return {
    resourceType: 'Patient',
    name: [{ use: 'official', family, given: [given] }],
    gender: h % 2 ? 'female' : 'male',
    birthDate: `${year}-${month}-${day}`,
    telecom: [
      {
        system: 'phone',
        value: `+1 555 ${String(mix(i + 3) % 1000).padStart(3, '0')} ${String(i % 10000).padStart(4, '0')}`,
      },
    ],
    address: [
      {
        line: [`${1 + (h % 400)} ${syllableName(mix(i + 4) % 900, 2)} Street`],
        city: 'Springfield',
        postalCode: String(10000 + (h % 900)),
      },
    ],
  };
}

/** How a registration desk mistypes a returning patient: a letter swapped in the name, day and month sometimes swapped. */
function mistyped(i) {
  const p = person(i);
  const family = p.name[0].family;
  const swapped = family.length > 3 ? family[0] + family[2] + family[1] + family.slice(3) : family;
  const [y, m, d] = p.birthDate.split('-');
  return {
    ...p,
    name: [{ ...p.name[0], family: swapped }],
    birthDate: i % 3 === 0 && Number(d) <= 12 ? `${y}-${d}-${m}` : p.birthDate,
    address: [],
  };
}

const VITALS = [
  ['8867-4', 'Heart rate', 60, '/min'],
  ['9279-1', 'Respiratory rate', 14, '/min'],
  ['8310-5', 'Body temperature', 37, 'Cel'],
  ['29463-7', 'Body weight', 80, 'kg'],
  ['8302-2', 'Body height', 178, 'cm'],
  ['39156-5', 'Body mass index', 25, 'kg/m2'],
  ['59408-5', 'Oxygen saturation', 95, '%'],
  ['8480-6', 'Systolic blood pressure', 125, 'mm[Hg]'],
];

/** Ten years (by default) of a chronic patient's chart: monthly visits with vitals and labs, problems, medications, reports. */
function history(patientRef) {
  const resources = [];
  const subject = { reference: patientRef };
  const start = Date.UTC(2025 - years, 0, 15, 9);
  const vitalSigns = [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] },
  ];
  const laboratory = [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
  ];
  for (let month = 0; month < years * 12; month++) {
    const when = new Date(start + month * 30.4 * 86_400_000).toISOString();
    resources.push({
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      type: [{ text: 'Follow-up visit' }],
      subject,
      period: { start: when, end: when },
    });
    for (const [code, text, base, unit] of VITALS) {
      resources.push({
        resourceType: 'Observation',
        status: 'final',
        category: vitalSigns,
        code: { coding: [{ system: 'http://loinc.org', code }], text },
        subject,
        effectiveDateTime: when,
        valueQuantity: { value: base + (month % 5), unit, system: 'http://unitsofmeasure.org', code: unit },
      });
    }
    for (const code of ['2339-0', '4548-4']) {
      resources.push({
        resourceType: 'Observation',
        status: 'final',
        category: laboratory,
        code: { coding: [{ system: 'http://loinc.org', code }] },
        subject,
        effectiveDateTime: when,
        valueQuantity: { value: 5 + (month % 3), unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
      });
    }
    if (month % 3 === 0) {
      resources.push({
        resourceType: 'MedicationRequest',
        status: month >= years * 12 - 6 ? 'active' : 'completed',
        intent: 'order',
        medicationCodeableConcept: { text: 'Metformin 500 mg oral tablet' },
        subject,
        authoredOn: when,
      });
      resources.push({
        resourceType: 'DiagnosticReport',
        status: 'final',
        code: { text: 'HbA1c' },
        subject,
        effectiveDateTime: when,
      });
    }
    if (month % 12 === 0) {
      resources.push({
        resourceType: 'Condition',
        clinicalStatus: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
              code: month === 0 ? 'active' : 'resolved',
            },
          ],
        },
        code: { text: month === 0 ? 'Type 2 diabetes mellitus' : `Acute bronchitis (${month / 12})` },
        subject,
        onsetDateTime: when,
      });
      resources.push({
        resourceType: 'Immunization',
        status: 'completed',
        vaccineCode: { text: 'Influenza vaccine' },
        patient: subject,
        occurrenceDateTime: when,
      });
      resources.push({
        resourceType: 'Procedure',
        status: 'completed',
        code: { text: 'Foot examination' },
        subject,
        performedDateTime: when,
      });
    }
  }
  resources.push({
    resourceType: 'AllergyIntolerance',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
    },
    code: { text: 'Penicillin' },
    patient: subject,
    recordedDate: new Date(start).toISOString(),
  });
  resources.push({
    resourceType: 'Flag',
    status: 'active',
    code: { text: 'Fall risk' },
    subject,
    period: { start: new Date(start).toISOString() },
  });
  resources.push({
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    code: { text: 'Lipid panel' },
    subject,
    authoredOn: new Date().toISOString(),
  });
  return resources;
}

/** An autocannon request with a body, keeping the bench's authorization header. */
function withBody(req, request) {
  return { ...req, ...request, headers: { ...req.headers, ...request.headers } };
}

async function json(url, init = {}) {
  const res = await fetch(url, { ...init, headers: { ...authHeaders(), ...(init.headers ?? {}) } });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

console.log(
  `# ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);

for (const engine of engines) {
  console.log(`## ${engine}: ${patientCount} patients, ${observationCount} other observations, a ${years}-year chart`);
  const server = await startServer(engine, values.postgres, values.root ? { root: values.root } : {});
  try {
    const fhir = `${server.url}/fhir/R4`;
    const rate = await ingest(
      server.url,
      Array.from({ length: patientCount }, (_, i) => person(i)),
    );
    console.log(
      JSON.stringify({ name: 'ingest patients with MRN and blocking keys (bundles of 500)', resourcesPerSecond: rate }),
    );

    // The chart patient, then other patients' observations so the tables are not only theirs.
    const chartPatient = (
      await json(`${server.url}/patients`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          patient: { ...person(patientCount + 1), name: [{ family: 'Chartwell', given: ['Ada'] }] },
          force: true,
        }),
      })
    ).patient;
    const chart = history(`Patient/${chartPatient.id}`);
    await ingest(server.url, chart);
    console.log(JSON.stringify({ name: 'chart patient', resources: chart.length }));
    if (observationCount > 0) {
      const others = await json(`${fhir}/Patient?_count=1000&_elements=id&_total=none`);
      const ids = others.entry.map((entry) => entry.resource.id);
      const observations = Array.from({ length: observationCount }, (_, i) => ({
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: OBSERVATION_CODES[i % 10] }] },
        subject: { reference: `Patient/${ids[i % ids.length]}` },
        effectiveDateTime: new Date(Date.UTC(2015, 0, 1) + (i % 3650) * 86_400_000).toISOString(),
        valueQuantity: { value: 60 + (i % 80), unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      }));
      const observationRate = await ingest(server.url, observations);
      console.log(JSON.stringify({ name: 'ingest other observations', resourcesPerSecond: observationRate }));
    }
    // Let the planner statistics catch up with the bulk load (checked every 5 s by the server).
    await new Promise((resolve) => setTimeout(resolve, 8000));

    // Sanity: the mistyped registration of an existing patient finds them.
    const probe = await json(`${server.url}/patients/duplicates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ patient: mistyped(7) }),
    });
    console.log(
      JSON.stringify({
        name: 'duplicate probe',
        candidates: probe.candidates.length,
        best: probe.candidates[0]?.score,
      }),
    );

    let d = 0;
    const duplicateRequest = () => ({
      method: 'POST',
      path: '/patients/duplicates',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ patient: mistyped((d++ * 7919) % patientCount) }),
    });
    let m = 0;
    const matchRequest = () => ({
      method: 'POST',
      path: '/fhir/R4/Patient/$match',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Parameters',
        parameter: [{ name: 'resource', resource: mistyped((m++ * 104729) % patientCount) }],
      }),
    });
    const summaryPath = `/patients/${chartPatient.id}/summary`;
    const timelinePath = `/patients/${chartPatient.id}/timeline?count=50`;
    const page5 = await (async () => {
      let cursor;
      for (let p = 0; p < 4; p++)
        cursor = (await json(`${server.url}${timelinePath}${cursor ? `&cursor=${cursor}` : ''}`)).next;
      return `${timelinePath}&cursor=${cursor}`;
    })();
    for (const connections of clientCounts) {
      if (workloads.has('duplicates'))
        await load(`duplicate check (POST /patients/duplicates), ${connections} client(s)`, {
          url: server.url,
          connections,
          duration,
          requests: [{ setupRequest: (req) => withBody(req, duplicateRequest()) }],
        });
      if (workloads.has('match'))
        await load(`Patient/$match, ${connections} client(s)`, {
          url: server.url,
          connections,
          duration,
          requests: [{ setupRequest: (req) => withBody(req, matchRequest()) }],
        });
      if (workloads.has('summary'))
        await load(`patient summary (${chart.length}-resource chart), ${connections} client(s)`, {
          url: `${server.url}${summaryPath}`,
          connections,
          duration,
        });
      if (workloads.has('timeline'))
        await load(`timeline first page of 50, ${connections} client(s)`, {
          url: `${server.url}${timelinePath}`,
          connections,
          duration,
        });
      if (workloads.has('timeline'))
        await load(`timeline fifth page of 50, ${connections} client(s)`, {
          url: `${server.url}${page5}`,
          connections,
          duration,
        });
    }
    await postJson(`${fhir}/Patient`, person(0));
  } finally {
    await server.stop();
  }
}
