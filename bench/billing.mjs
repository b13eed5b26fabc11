// Billing benchmark: invoices issued per second and payments posted per second, on PostgreSQL.
// Usage: node bench/billing.mjs [--invoices 400] [--payments 1000] [--concurrency 16]
//                               [--postgres postgres://postgres@127.0.0.1:5432/postgres]
// Builds Meridian in this process on a fresh, migrated PostgreSQL database and calls the billing API
// through Fastify's inject (no sockets; authentication, access control, audit and the ledger all run):
//   invoices   POST /billing/invoices for an encounter with two billable charges (FHIR Invoice, charges
//              marked billed, one balanced ledger entry, audit, invoice.issued), `concurrency` at a time;
//   payments   POST /billing/payments (cash, each with its own Idempotency-Key: key claimed, ledger entry,
//              payment row, audit, payment.posted), `concurrency` at a time;
//   card       the same with a card through the development gateway;
//   retries    one payment sent `concurrency` times at once with one key (one payment, the rest replayed).
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { register } from 'tsx/esm/api';

register();
const { createPostgresDatabase, migrate, loadMigrations } = await import('../apps/server/src/platform/db/index.ts');
const { buildApp } = await import('../apps/server/src/app.ts');
const { testConfig } = await import('../apps/server/src/config.ts');

const { values } = parseArgs({
  options: {
    invoices: { type: 'string', default: '400' },
    payments: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const concurrency = Number(values.concurrency);
console.log(
  `# ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);

const name = `meridian_bench_billing_${Date.now()}`;
const server = values.postgres.replace(/\/[^/]*$/, '/postgres');
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
await admin.end();
const db = createPostgresDatabase({ url: values.postgres.replace(/\/[^/]*$/, `/${name}`), poolSize: 16 });
await migrate(db, loadMigrations());
const config = testConfig({
  authRequired: true,
  tenantHeader: true,
  dataDir: mkdtempSync(join(tmpdir(), 'meridian-bench-billing-')),
  eventsDispatch: false,
});
const { app, localAdminToken } = await buildApp(config, { db });
await app.ready();

async function call(method, url, body, headers = {}) {
  const res = await app.inject({ method, url, headers, ...(body !== undefined ? { payload: body } : {}) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}
async function user(role) {
  const email = `${role}-${randomUUID()}@bench.example`;
  const password = `bench ${randomUUID()}`;
  await call(
    'POST',
    '/admin/local/users',
    { tenant: config.defaultTenant, email, role, password },
    {
      authorization: `Bearer ${localAdminToken}`,
    },
  );
  const tokens = await call('POST', '/auth/login', { email, password, tenant: config.defaultTenant });
  return { authorization: `Bearer ${tokens.access_token}` };
}
const asAdmin = await user('tenant_admin');
const asBilling = await user('billing');
const asPhysician = await user('physician');

async function pool(count, work) {
  let next = 0;
  const latencies = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const t = performance.now();
        await work(index);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))].toFixed(1);
  return `${Math.round(count / seconds)}/s (${count} in ${seconds.toFixed(1)} s), p50 ${at(50)} ms, p99 ${at(99)} ms`;
}

// Seed: two catalog services, patients, and finished encounters with two charges each.
const visit = await call(
  'POST',
  '/billing/catalog',
  {
    code: { system: 'hcpcs', code: 'G0463' },
    title: 'Clinic visit',
    prices: [{ list: 'self-pay', amount: 15_000, currency: 'USD' }],
    validFrom: '2026-01-01',
  },
  asAdmin,
);
const injection = await call(
  'POST',
  '/billing/catalog',
  {
    code: { system: 'hcpcs', code: 'J1100' },
    title: 'Dexamethasone 1 mg',
    prices: [{ list: 'self-pay', amount: 333, currency: 'USD' }],
    tax: { code: 'sales-tax', rate: '0.0825' },
    validFrom: '2026-01-01',
  },
  asAdmin,
);
const invoices = Number(values.invoices);
const encounters = [];
const seedStarted = performance.now();
await pool(invoices, async () => {
  const patient = await call(
    'POST',
    '/fhir/R4/Patient',
    { resourceType: 'Patient', name: [{ family: 'Bench' }] },
    asPhysician,
  );
  const encounter = await call(
    'POST',
    '/fhir/R4/Encounter',
    {
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${patient.id}` },
      period: { start: '2026-06-01T14:00:00Z' },
    },
    asPhysician,
  );
  await call(
    'POST',
    `/billing/encounters/${encounter.id}/charges`,
    {
      services: [
        { service: visit.id, diagnoses: ['J20.9'] },
        { service: injection.id, quantity: '2.5' },
      ],
    },
    asBilling,
  );
  encounters.push({ patient: patient.id, encounter: encounter.id });
});
console.log(`seeded ${invoices} charged visits in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

console.log(
  `invoices  ${await pool(invoices, (i) => call('POST', '/billing/invoices', { encounter: encounters[i].encounter }, asBilling))}`,
);
const payments = Number(values.payments);
const pay = (i, method) =>
  call(
    'POST',
    '/billing/payments',
    {
      patient: encounters[i % encounters.length].patient,
      amount: 1_000,
      currency: 'USD',
      method,
      ...(method === 'card' ? { card: { token: 'tok_visa' } } : {}),
    },
    { ...asBilling, 'idempotency-key': randomUUID() },
  );
console.log(`payments  ${await pool(payments, (i) => pay(i, 'cash'))}`);
console.log(`card      ${await pool(payments, (i) => pay(i, 'card'))}`);
const key = randomUUID();
const body = { patient: encounters[0].patient, amount: 500, currency: 'USD', method: 'cash' };
const retried = await pool(concurrency * 10, () =>
  call('POST', '/billing/payments', body, { ...asBilling, 'idempotency-key': key }),
);
console.log(`retries   ${retried} (one key)`);
const balance = await call('GET', '/billing/ledger/trial-balance', undefined, asBilling);
console.log(`ledger balanced: ${balance.balanced}`);

await app.close();
const client = new pg.Client({ connectionString: server });
await client.connect();
await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await client.end();
