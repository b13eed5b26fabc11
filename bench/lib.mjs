// Shared pieces of the load benchmarks: start a server, seed it, run autocannon, summarise.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

let authorization = '';

/** Headers every bench request carries. */
export function authHeaders() {
  return { authorization };
}

const BIN = join(import.meta.dirname, '..', 'apps', 'server', 'bin', 'meridian.mjs');

export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts `meridian start` on a fresh database of the given engine and waits for /readyz.
 * Options: `root`, another checkout to run the server of (default: this one); `env`, extra settings;
 * `nodeArgs`, flags for the server's Node.js process (e.g. --cpu-prof).
 */
export async function startServer(engine, postgresUrl, options = {}) {
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    REQUEST_LOG: 'false',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'meridian-bench-')),
    DATABASE_POOL_SIZE: '16',
    ...options.env,
  };
  let dropDatabase = async () => {};
  if (engine === 'postgres') {
    const name = `meridian_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: postgresUrl.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    env.DATABASE_URL = postgresUrl.replace(/\/[^/]*$/, `/${name}`);
    dropDatabase = async () => {
      // BENCH_KEEP_DATABASE=1 leaves the seeded database behind, for EXPLAIN ANALYZE after a run.
      if (process.env.BENCH_KEEP_DATABASE === '1') return console.log(`kept database ${name}`);
      const client = new pg.Client({ connectionString: postgresUrl.replace(/\/[^/]*$/, '/postgres') });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
  }
  const bin = options.root ? join(options.root, 'apps', 'server', 'bin', 'meridian.mjs') : BIN;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, 'start'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // The bench acts as the local `meridian` CLI would: the server's local token, system access to one tenant.
  const { token } = JSON.parse(readFileSync(join(env.DATA_DIR, 'server.json'), 'utf8'));
  authorization = `Bearer ${token}`;
  return {
    url,
    /** The server's DATA_DIR (server.json, for the CLI), database URL (PostgreSQL only) and process id. */
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await dropDatabase();
    },
  };
}

/** Runs autocannon for `seconds` at `connections` and returns the figures that go in RESULTS.md. */
export async function load(name, options) {
  const result = await autocannon({
    connections: 16,
    duration: 10,
    ...options,
    headers: { ...authHeaders(), ...(options.headers ?? {}) },
  });
  const summary = {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    total: result.requests.total,
  };
  console.log(JSON.stringify(summary));
  return summary;
}

export async function postJson(url, body) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal', ...authHeaders() },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res;
}

const FAMILIES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
];
const GIVEN = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Charles',
  'Karen',
];
export const OBSERVATION_CODES = [
  '8867-4',
  '8480-6',
  '8462-4',
  '9279-1',
  '8310-5',
  '29463-7',
  '8302-2',
  '2339-0',
  '4548-4',
  '2093-3',
];

/** A patient with a unique-ish family name suffix, so name searches match a handful, not thousands. */
export function patient(i) {
  return {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:meridian:bench', value: `P${i}` }],
    name: [{ family: `${FAMILIES[i % 20]}${Math.floor(i / 20) % 5000}`, given: [GIVEN[(i * 7) % 20]] }],
    gender: i % 2 ? 'female' : 'male',
    birthDate: `${1940 + (i % 70)}-0${1 + (i % 9)}-1${i % 10}`,
  };
}

export function observation(patientRef, i) {
  const day = new Date(Date.UTC(2015, 0, 1) + (i % 3650) * 86_400_000).toISOString();
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: OBSERVATION_CODES[i % 10] }] },
    subject: { reference: patientRef },
    effectiveDateTime: day,
    valueQuantity: { value: 60 + (i % 80), unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
  };
}

/** Sends resources as transaction bundles of `size`, `parallel` at a time. Returns resources/s. */
export async function ingest(url, resources, size = 500, parallel = 4) {
  const start = performance.now();
  let next = 0;
  async function worker() {
    while (next < resources.length) {
      const slice = resources.slice(next, next + size);
      next += size;
      await postJson(`${url}/fhir/R4`, {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: slice.map((resource) => ({ resource, request: { method: 'POST', url: resource.resourceType } })),
      });
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker));
  return Math.round(resources.length / ((performance.now() - start) / 1000));
}
