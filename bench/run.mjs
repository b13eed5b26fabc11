// Meridian's load benchmarks. Usage: npm run bench -- [--engine pglite|postgres|both] [--patients N] [--observations N]
// Starts a real server per engine, seeds it through the FHIR API and measures with autocannon at concurrency 16.
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { authHeaders, ingest, load, OBSERVATION_CODES, observation, patient, postJson, startServer } from './lib.mjs';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    patients: { type: 'string', default: '100000' },
    observations: { type: 'string', default: '1000000' },
    duration: { type: 'string', default: '10' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const patientCount = Number(values.patients);
const observationCount = Number(values.observations);
const duration = Number(values.duration);
const engines = values.engine === 'both' ? ['postgres', 'pglite'] : [values.engine];

console.log(
  `# ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);

for (const engine of engines) {
  console.log(`## ${engine}: ${patientCount} patients, ${observationCount} observations`);
  const server = await startServer(engine, values.postgres);
  try {
    const fhir = `${server.url}/fhir/R4`;

    // Ingest: patients first (their ids are needed for observations), in transaction bundles.
    const patients = Array.from({ length: patientCount }, (_, i) => patient(i));
    const patientRate = await ingest(server.url, patients);
    console.log(
      JSON.stringify({ name: 'ingest patients (transaction bundles of 500)', resourcesPerSecond: patientRate }),
    );
    const ids = [];
    let next = `${fhir}/Patient?_count=1000&_elements=id&_total=none`;
    while (next && ids.length < 5000) {
      const page = await (await fetch(next, { headers: authHeaders() })).json();
      for (const entry of page.entry ?? []) ids.push(entry.resource.id);
      next = page.link?.find((link) => link.relation === 'next')?.url;
    }
    const observations = Array.from({ length: observationCount }, (_, i) =>
      observation(`Patient/${ids[i % ids.length]}`, i),
    );
    const observationRate = await ingest(server.url, observations);
    console.log(
      JSON.stringify({ name: 'ingest observations (transaction bundles of 500)', resourcesPerSecond: observationRate }),
    );

    const body = JSON.stringify(patient(1));
    await load('create Patient', {
      url: `${fhir}/Patient`,
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal' },
      body,
      duration,
    });
    let r = 0;
    await load('read Patient', {
      url: server.url,
      duration,
      requests: [
        { method: 'GET', setupRequest: (req) => ({ ...req, path: `/fhir/R4/Patient/${ids[r++ % ids.length]}` }) },
      ],
    });
    let s = 0;
    await load('search Patient?name=', {
      url: server.url,
      duration,
      requests: [
        {
          method: 'GET',
          setupRequest: (req) => {
            const p = patient((s++ * 7919) % patientCount);
            return { ...req, path: `/fhir/R4/Patient?name=${encodeURIComponent(p.name[0].family)}&_count=20` };
          },
        },
      ],
    });
    let o = 0;
    await load('search Observation?patient=&code=&date=', {
      url: server.url,
      duration,
      requests: [
        {
          method: 'GET',
          setupRequest: (req) => {
            const i = o++;
            const code = OBSERVATION_CODES[i % 10];
            const path = `/fhir/R4/Observation?patient=Patient/${ids[(i * 31) % ids.length]}&code=http://loinc.org|${code}&date=ge2016-01-01&date=lt2020-01-01&_count=20`;
            return { ...req, path };
          },
        },
      ],
    });
    await postJson(`${fhir}/Patient`, patient(0));
  } finally {
    await server.stop();
  }
}
