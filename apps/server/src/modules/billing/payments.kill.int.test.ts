import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess } from '../../../test/process/server-process';
import { createTestDatabase } from '../../../test/test-app';
import { onServer, uniqueDatabaseName, withDatabase } from '../../../test/test-database';

/**
 * A server killed (SIGKILL) while payments are in flight: each payment is all there (payment row, ledger
 * entry, stored answer under its key) or not there at all, and retrying every key on the next server
 * posts each payment exactly once.
 */
const tenant = randomUUID();
let dataDir: string;
const env: Record<string, string> = {};
let dropDatabase: (() => Promise<void>) | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meridian-billing-kill-'));
  Object.assign(env, { DATA_DIR: dataDir, BOOTSTRAP_ADMIN: 'false', MERIDIAN_DEFAULT_TENANT: tenant });
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = uniqueDatabaseName(url);
    await onServer(url, (client) => client.query(`CREATE DATABASE ${name}`));
    env.DATABASE_URL = withDatabase(url, name);
    dropDatabase = async () => {
      await onServer(url, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    };
  }
  // Builds the test database template once (the global setup's), as the other process tests do.
  await (await createTestDatabase()).drop();
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase?.();
});

async function signInAs(url: string, role: string): Promise<string> {
  const { token } = JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { token: string };
  const email = `${role}-${randomUUID()}@example.org`;
  const password = `correct horse ${randomUUID()}`;
  const created = await fetch(`${url}/admin/local/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ tenant, email, role, password }),
  });
  expect(created.status).toBeLessThan(300);
  const login = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, tenant }),
  });
  return `Bearer ${((await login.json()) as { access_token: string }).access_token}`;
}

const pay = (url: string, authorization: string, patient: string, key: string, amount: number) =>
  fetch(`${url}/billing/payments`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ patient, amount, currency: 'USD', method: 'cash' }),
  });

describe('payments across a crash', () => {
  it('leaves each payment whole or absent when the server is killed mid-payment; retries post each once', async () => {
    const first = await startServerProcess(env);
    // Enough payments in flight that the kill, sent as the tenth is answered, lands while others are unanswered.
    const keys = Array.from({ length: 240 }, () => randomUUID());
    const answered = new Map<string, string>();
    let patient = '';
    try {
      const physician = await signInAs(first.url, 'physician');
      const billing = await signInAs(first.url, 'billing');
      const created = await fetch(`${first.url}/fhir/R4/Patient`, {
        method: 'POST',
        headers: { authorization: physician, 'content-type': 'application/fhir+json' },
        body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Crash' }] }),
      });
      patient = ((await created.json()) as { id: string }).id;
      // Payments in flight, and a kill as soon as some have been answered.
      for (const [index, key] of keys.entries()) {
        void pay(first.url, billing, patient, key, 100 + index)
          .then(async (res) => {
            if (res.status !== 201) return;
            answered.set(key, ((await res.json()) as { id: string }).id);
            // Killed from the answer's own callback: a polling timer could fire only after every answer.
            if (answered.size === 10) first.child.kill('SIGKILL');
          })
          .catch(() => undefined);
      }
      while (answered.size < 10 && first.child.exitCode === null && first.child.signalCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      await first.stop('SIGKILL');
    }
    expect(answered.size).toBeGreaterThan(0);
    expect(answered.size).toBeLessThan(keys.length);

    const second = await startServerProcess(env);
    try {
      const billing = await signInAs(second.url, 'billing');
      const get = async (path: string) =>
        (await fetch(`${second.url}${path}`, { headers: { authorization: billing } })).json();
      // What survived the kill is whole: every payment has its ledger entry, and the books balance.
      const survived = (await get(`/billing/payments?patient=${patient}`)) as { id: string; entry: string }[];
      for (const [, id] of answered) expect(survived.map((payment) => payment.id)).toContain(id);
      const entries = (await get(`/billing/ledger/entries?party=Patient/${patient}&limit=1000`)) as { id: string }[];
      expect(new Set(entries.map((entry) => entry.id))).toEqual(new Set(survived.map((payment) => payment.entry)));
      expect(((await get('/billing/ledger/trial-balance')) as { balanced: boolean }).balanced).toBe(true);

      // Every key retried: the answered ones are replayed with their first answer, the rest are posted now.
      for (const [index, key] of keys.entries()) {
        const res = await pay(second.url, billing, patient, key, 100 + index);
        expect(res.status).toBe(201);
        const body = (await res.json()) as { id: string };
        if (answered.has(key)) expect(body.id).toBe(answered.get(key));
      }
      const after = (await get(`/billing/payments?patient=${patient}`)) as { amount: number }[];
      expect(after).toHaveLength(keys.length);
      const credit = keys.reduce((sum, _key, index) => sum + 100 + index, 0);
      const balance = (await get(`/billing/patients/${patient}/balance`)) as { balances: { credit: number }[] };
      expect(balance.balances[0]!.credit).toBe(credit);
    } finally {
      await second.stop('SIGTERM');
    }
  }, 180_000);
});
