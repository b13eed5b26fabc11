// Scheduling benchmark: free-slot search over 200 practitioners' schedules materialised for 90 days, and
// booking under load. Usage:
//   node bench/slots.mjs [--engine postgres|pglite|both] [--practitioners 200] [--days 90] [--duration 5]
// Starts a real server, creates the practitioners (one transaction Bundle), rooms and schedules through
// the scheduling API (so slots are materialised as in production: weekdays 08:00–17:00, 15-minute
// slots, in three time zones), then measures GET /scheduling/slots with autocannon, one client and eight,
// and POST /appointments: eight clients booking free slots each once, and eight clients all after the same
// twenty slots (every slot booked once, the rest refused with 409). `--bookings-only` skips the searches.
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { authHeaders, load, postJson, startServer } from './lib.mjs';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    practitioners: { type: 'string', default: '200' },
    days: { type: 'string', default: '90' },
    duration: { type: 'string', default: '5' },
    'bookings-only': { type: 'boolean', default: false },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const practitionerCount = Number(values.practitioners);
const days = Number(values.days);
const duration = Number(values.duration);
const engines = values.engine === 'both' ? ['postgres', 'pglite'] : [values.engine];

const SPECIALTIES = Array.from({ length: 10 }, (_, i) => `specialty-${i}`);
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
const ROOMS = 20;
const DEFAULT_TENANT = '00000000-0000-4000-8000-000000000001';

async function call(url, method, path, body, authorization) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...authHeaders(), ...(authorization ? { authorization } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function seed(server) {
  const created = await (
    await postJson(`${server.url}/fhir/R4`, {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        ...Array.from({ length: practitionerCount }, (_, i) => ({
          resource: { resourceType: 'Practitioner', name: [{ family: `Doctor${i}` }] },
          request: { method: 'POST', url: 'Practitioner' },
        })),
        ...Array.from({ length: ROOMS }, (_, i) => ({
          resource: { resourceType: 'Location', name: `Room ${i}`, type: [{ coding: [{ code: 'EXAM' }] }] },
          request: { method: 'POST', url: 'Location' },
        })),
      ],
    })
  ).json();
  const ids = created.entry.map((entry) => entry.response.location.split('/')[1]);
  const practitioners = ids.slice(0, practitionerCount);
  const rooms = ids.slice(practitionerCount);
  // Visit types are the tenant admin's: a tenant admin signs in through the local admin API.
  const email = `bench-admin-${Date.now()}@meridian.local`;
  const password = `bench ${Math.random()} password`;
  await call(server.url, 'POST', '/admin/local/users', {
    tenant: DEFAULT_TENANT,
    email,
    role: 'tenant_admin',
    password,
  });
  const login = await fetch(`${server.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`sign-in: ${login.status} ${await login.text()}`);
  const adminAuthorization = `Bearer ${(await login.json()).access_token}`;
  const visitType = await call(
    server.url,
    'POST',
    '/scheduling/visit-types',
    {
      code: 'consult',
      name: 'Consultation',
      durationMinutes: 15,
      specialty: SPECIALTIES[0],
    },
    adminAuthorization,
  );
  const start = performance.now();
  // Four schedules at a time: each materialises its slots in one statement.
  let next = 0;
  async function worker() {
    while (next < practitioners.length) {
      const i = next++;
      await call(server.url, 'POST', '/scheduling/schedules', {
        practitioner: practitioners[i],
        location: rooms[i % ROOMS],
        timeZone: ZONES[i % ZONES.length],
        specialties: [SPECIALTIES[i % SPECIALTIES.length]],
        horizonDays: days,
        availability: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '17:00', slotMinutes: 15 }],
      });
    }
  }
  await Promise.all(Array.from({ length: 4 }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { practitioners, rooms, visitType: visitType.id, seconds };
}

async function countSlots(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query('SELECT count(*)::int AS n FROM scheduling_slot');
  // What autovacuum does soon after a bulk load; the bench does not wait for it.
  await client.query('ANALYZE scheduling_slot');
  await client.query('ANALYZE scheduling_schedule');
  await client.end();
  return rows[0].n;
}

function pick(list) {
  return list[Math.floor(Math.random() * list.length)];
}

for (const engine of engines) {
  const server = await startServer(engine, values.postgres);
  try {
    console.log(
      `engine ${engine}: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    );
    const { practitioners, rooms, visitType, seconds } = await seed(server);
    const slots = engine === 'postgres' ? await countSlots(server.databaseUrl) : 'n/a';
    console.log(JSON.stringify({ schedules: practitioners.length, slots, seedSeconds: Math.round(seconds) }));
    const range = (fromDays, toDays) => {
      const from = new Date(Date.now() + fromDays * 86_400_000);
      const to = new Date(Date.now() + toDays * 86_400_000);
      return `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
    };
    const workloads = [
      ['one practitioner, next 7 days', () => `practitioner=${pick(practitioners)}&${range(0, 7)}`],
      ['one practitioner, a week 60 days out', () => `practitioner=${pick(practitioners)}&${range(60, 67)}`],
      ['one practitioner, all 90 days (first 100)', () => `practitioner=${pick(practitioners)}&${range(0, days)}`],
      ['a specialty (20 practitioners), next 7 days', () => `specialty=${pick(SPECIALTIES)}&${range(0, 7)}`],
      ['a room (10 schedules), next 14 days', () => `location=${pick(rooms)}&${range(0, 14)}`],
      ['a visit type (its specialty), 30 days from day 30', () => `visitType=${visitType}&${range(30, 60)}`],
      ['everyone, next 3 days (first 100)', () => range(0, 3)],
    ];
    for (const connections of values['bookings-only'] ? [] : [1, 8]) {
      for (const [name, query] of workloads) {
        await load(`slot search: ${name}, ${connections} client(s)`, {
          url: server.url,
          connections,
          duration,
          requests: [{ setupRequest: (req) => ({ ...req, path: `/scheduling/slots?${query()}` }) }],
        });
      }
    }
    await bookings(server, practitioners, range);
  } finally {
    await server.stop();
  }
}

/** Booking under load: distinct free slots, then many clients after the same few. */
async function bookings(server, practitioners, range) {
  const patients = Array.from({ length: 200 }, (_, i) => ({
    resource: { resourceType: 'Patient', name: [{ family: `Booker${i}` }] },
    request: { method: 'POST', url: 'Patient' },
  }));
  const created = await (
    await postJson(`${server.url}/fhir/R4`, { resourceType: 'Bundle', type: 'transaction', entry: patients })
  ).json();
  const patientIds = created.entry.map((entry) => entry.response.location.split('/')[1]);
  const free = [];
  for (const practitioner of practitioners.slice(0, 40)) {
    const res = await call(
      server.url,
      'GET',
      `/scheduling/slots?practitioner=${practitioner}&${range(1, 30)}&count=200`,
    );
    free.push(...res.slots.map((slot) => slot.id));
  }
  const body = (slot) => JSON.stringify({ slot, patient: pick(patientIds) });
  const request = (slots) => {
    let n = 0;
    return {
      method: 'POST',
      path: '/appointments',
      headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({ ...req, body: body(slots[n++ % slots.length]) }),
    };
  };
  // Each request a slot of its own (until the list runs out: then refusals, counted as errors).
  await load('book distinct free slots, 8 clients', {
    url: server.url,
    connections: 8,
    duration,
    requests: [request(free.slice(20))],
  });
  // Eight clients after the same twenty slots: each is booked once, every other attempt is a 409.
  const contested = free.slice(0, 20);
  const summary = await load('book 20 contested slots, 8 clients (409 for all but the first of each)', {
    url: server.url,
    connections: 8,
    duration,
    requests: [request(contested)],
  });
  const booked = await call(
    server.url,
    'GET',
    `/scheduling/slots?practitioner=${practitioners[0]}&${range(1, 30)}&count=200`,
  );
  const stillFree = new Set(booked.slots.map((slot) => slot.id));
  console.log(
    JSON.stringify({
      contested: contested.length,
      contestedStillFree: contested.filter((id) => stillFree.has(id)).length,
      attempts: summary.total,
    }),
  );
}
