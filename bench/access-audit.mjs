// What access control and the audit trail cost on the FHIR API, on PostgreSQL.
//
// Run from the repository root, no npm needed:
//   node bench/access-audit.mjs [--patients 20000] [--observations 200000] [--panel 1000] [--duration 10]
//     [--configs a,b,c,d] [--workloads read,search,create] [--max-load 1.5] [--max-wait 90]
//     [--baseline <commit>] [--cpu-prof <dir>] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
//
// Configurations, each on a fresh database seeded the same way and measured with autocannon at 16
// connections for read Patient, search Observation?patient=&code= and create Observation:
//   a  the FHIR engine before identity, access control and audit existed: the parent of the commit that
//      added migrations/0004_identity.sql, checked out into a temporary git worktree (removed afterwards);
//   b  today's server, as the local CLI (the system principal: the access layer's unrestricted path; audited);
//   c  today's server, as a physician signed in with a password (role policy evaluated; clinicianAccess 'all');
//   d  as c with clinicianAccess 'care-team': the physician is on the CareTeam of every patient the load
//      touches (the panel), so every query carries the care-team filter in SQL.
// Before each measurement the script waits (up to --max-wait seconds) for the 1-minute load average to drop
// below --max-load, and prints the load it started at. --cpu-prof writes the servers' CPU profiles there.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { load, OBSERVATION_CODES, observation, patient, postJson, startServer } from './lib.mjs';

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '20000' },
    observations: { type: 'string', default: '200000' },
    // Observations go to the first `charted` patients; the load touches the first `panel` of them.
    charted: { type: 'string', default: '5000' },
    panel: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    configs: { type: 'string', default: 'a,b,c,d' },
    workloads: { type: 'string', default: 'read,search,create' },
    'max-load': { type: 'string', default: '1.5' },
    'max-wait': { type: 'string', default: '90' },
    baseline: { type: 'string' },
    'cpu-prof': { type: 'string' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const patientCount = Number(values.patients);
const observationCount = Number(values.observations);
const charted = Math.min(Number(values.charted), patientCount);
const panelSize = Math.min(Number(values.panel), charted);
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const maxLoad = Number(values['max-load']);
const maxWait = Number(values['max-wait']);
const configs = new Set(values.configs.split(','));
const workloadKeys = new Set(values.workloads.split(','));
const ROOT = join(import.meta.dirname, '..');
const DEFAULT_TENANT = '00000000-0000-4000-8000-000000000001';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

// ---------------------------------------------------------------------------------------------------
// The baseline checkout

/** The last commit before identity (and with it access and audit) arrived. */
function baselineCommit() {
  if (values.baseline) return git('rev-parse', '--verify', `${values.baseline}^{commit}`);
  const added = git('log', '--diff-filter=A', '--format=%H', '--', 'apps/server/migrations/0004_identity.sql');
  const first = added.split('\n').filter(Boolean).at(-1);
  if (!first) throw new Error('No commit adds apps/server/migrations/0004_identity.sql; pass --baseline <commit>');
  return git('rev-parse', `${first}^`);
}

/**
 * Checks the baseline out into a temporary worktree that shares this checkout's node_modules. In this
 * history app.ts already names the identity and audit modules a few commits before their sources were
 * added; when those folders are missing, their wiring (two imports, the route table, two registrations)
 * is cut from the worktree's app.ts, which leaves the FHIR engine and platform of that commit as they were.
 */
function createBaseline(commit) {
  const dir = join(tmpdir(), `meridian-baseline-${process.pid}`);
  git('worktree', 'add', '--detach', dir, commit);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const serverModules = join(ROOT, 'apps', 'server', 'node_modules');
  if (existsSync(serverModules)) symlinkSync(serverModules, join(dir, 'apps', 'server', 'node_modules'));
  const appFile = join(dir, 'apps', 'server', 'src', 'app.ts');
  let app = readFileSync(appFile, 'utf8');
  const modules = join(dir, 'apps', 'server', 'src', 'modules');
  const patched = [];
  if (
    app.includes("from './modules/") &&
    !existsSync(join(modules, 'identity')) &&
    !existsSync(join(modules, 'audit'))
  ) {
    const cuts = [
      /^import \{ registerAuditModule \} from '\.\/modules\/audit';\n/m,
      /^import \{ registerIdentityModule, trackRoutes \} from '\.\/modules\/identity';\n/m,
      /^ {2}app\.decorate\('routeTable', trackRoutes\(app\)\);\n/m,
      /^ {2}const audit = registerAuditModule\([^\n]*\n {2}await registerIdentityModule\(app, \{[\s\S]*?\n {2}\}\);\n/m,
    ];
    for (const cut of cuts) {
      if (!cut.test(app))
        throw new Error(`Baseline app.ts does not have the expected wiring (${cut}); pass --baseline`);
      app = app.replace(cut, '');
    }
    writeFileSync(appFile, app);
    patched.push('app.ts: identity/audit wiring of modules not yet in the tree cut');
  }
  return {
    dir,
    patched,
    async remove() {
      for (let attempt = 1; ; attempt++) {
        try {
          git('worktree', 'remove', '--force', dir);
          return;
        } catch (error) {
          if (attempt === 5) {
            console.error(`Could not remove ${dir}: run git worktree remove --force ${dir}`);
            throw error;
          }
          await sleep(2000);
        }
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Seeding: the same resources on every server, ids as each server assigns them

/** Sends resources as transaction Bundles of 500, four at a time; returns the ids in order and the rate. */
async function ingestIds(url, resources, size = 500, parallel = 4) {
  const ids = new Array(resources.length);
  const start = performance.now();
  let next = 0;
  async function worker() {
    while (next < resources.length) {
      const from = next;
      const slice = resources.slice(from, from + size);
      next += size;
      const res = await postJson(`${url}/fhir/R4`, {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: slice.map((resource) => ({ resource, request: { method: 'POST', url: resource.resourceType } })),
      });
      const bundle = await res.json();
      bundle.entry.forEach((entry, i) => {
        ids[from + i] = entry.response.location.split('/')[1];
      });
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker));
  return { ids, rate: Math.round(resources.length / ((performance.now() - start) / 1000)) };
}

async function analyze(server) {
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  await client.query('ANALYZE');
  await client.end();
}

/**
 * Ingests `count` resources made by `make(i)` in slices with ANALYZE after each. The baseline predates
 * the server's own statistics refresh after bulk writes, and without statistics (autovacuum may be off)
 * its delete-before-insert index writes pick indexes that scan every row of the type: each write O(n).
 * The first slices are small so that statistics exist early.
 */
async function ingestSlices(server, count, make) {
  const ids = [];
  const started = performance.now();
  for (let from = 0, size = 1000; from < count; from += size, size = Math.min(size * 5, 25_000)) {
    const slice = Array.from({ length: Math.min(size, count - from) }, (_, k) => make(from + k));
    ids.push(...(await ingestIds(server.url, slice)).ids);
    await analyze(server);
  }
  return { ids, rate: Math.round(count / ((performance.now() - started) / 1000)) };
}

async function seed(server) {
  const started = performance.now();
  const patients = await ingestSlices(server, patientCount, (i) => patient(i));
  const panel = patients.ids.slice(0, panelSize);
  const practitioner = await ingestIds(server.url, [
    { resourceType: 'Practitioner', name: [{ family: 'Bench', given: ['Physician'] }] },
  ]);
  const practitionerId = practitioner.ids[0];
  // One care team per panel patient, the physician a participant of each.
  await ingestIds(
    server.url,
    panel.map((id) => ({
      resourceType: 'CareTeam',
      status: 'active',
      subject: { reference: `Patient/${id}` },
      participant: [{ member: { reference: `Practitioner/${practitionerId}` } }],
    })),
  );
  await analyze(server);
  // Each charted patient's observations cycle through the ten codes, so a patient+code search finds a few.
  const observations = await ingestSlices(server, observationCount, (i) =>
    observation(`Patient/${patients.ids[i % charted]}`, i + Math.floor(i / charted)),
  );
  console.log(
    JSON.stringify({
      seeded: `${patientCount} patients, ${panelSize} care teams, ${observationCount} observations`,
      patientsPerSecond: patients.rate,
      observationsPerSecond: observations.rate,
      seconds: Math.round((performance.now() - started) / 1000),
    }),
  );
  return { panel, practitionerId, outsider: patients.ids[patientCount - 1] };
}

// ---------------------------------------------------------------------------------------------------
// Users, sign-in and the tenant's policy (today's server)

function cli(server, args, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'apps', 'server', 'bin', 'meridian.mjs'), ...args], {
      env: { ...process.env, DATA_DIR: server.dataDir, LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`meridian ${args[0]} ${args[1]}: exit ${code}`)),
    );
    child.stdin.end(input ?? '');
  });
}

async function createUser(server, role, extra = []) {
  const email = `bench-${role}-${randomBytes(4).toString('hex')}@meridian.local`;
  const password = randomBytes(18).toString('base64url');
  const args = ['user', 'create', '--tenant', DEFAULT_TENANT, '--email', email, '--role', role];
  await cli(server, [...args, ...extra, '--password-stdin', '--json'], `${password}\n`);
  return { email, password };
}

async function signIn(server, user) {
  const res = await fetch(`${server.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  if (!res.ok) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
  return `Bearer ${(await res.json()).access_token}`;
}

async function setClinicianAccess(server, adminAuthorization, clinicianAccess) {
  const url = `${server.url}/access/policies`;
  const current = await fetch(url, { headers: { authorization: adminAuthorization } });
  if (!current.ok) throw new Error(`GET /access/policies: ${current.status} ${await current.text()}`);
  const view = await current.json();
  const res = await fetch(url, {
    method: 'PUT',
    headers: {
      authorization: adminAuthorization,
      'content-type': 'application/json',
      'if-match': current.headers.get('etag'),
    },
    body: JSON.stringify({ policy: { ...view.policy, clinicianAccess } }),
  });
  if (!res.ok) throw new Error(`PUT /access/policies: ${res.status} ${await res.text()}`);
}

async function status(server, path, authorization) {
  const res = await fetch(`${server.url}${path}`, { headers: authorization ? { authorization } : {} });
  await res.arrayBuffer();
  return res.status;
}

// ---------------------------------------------------------------------------------------------------
// Load

/** CPU seconds the process has used (user + system), from /proc: the server's cost whatever else runs. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function waitForQuiet() {
  const start = Date.now();
  while (loadavg()[0] >= maxLoad && Date.now() - start < maxWait * 1000) await sleep(5000);
  return { load: Math.round(loadavg()[0] * 100) / 100, waited: Math.round((Date.now() - start) / 1000) };
}

function workloads(panel) {
  let r = 0;
  let s = 0;
  let c = 0;
  return [
    {
      key: 'read',
      name: 'read Patient',
      options: () => ({
        requests: [
          { method: 'GET', setupRequest: (req) => ({ ...req, path: `/fhir/R4/Patient/${panel[r++ % panel.length]}` }) },
        ],
      }),
    },
    {
      key: 'search',
      name: 'search Observation?patient=&code=',
      options: () => ({
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => {
              const i = s++;
              const code = OBSERVATION_CODES[(i * 7) % 10];
              const path = `/fhir/R4/Observation?patient=Patient/${panel[(i * 31) % panel.length]}&code=http://loinc.org|${code}&_count=20`;
              return { ...req, path };
            },
          },
        ],
      }),
    },
    {
      key: 'create',
      name: 'create Observation',
      options: () => ({
        headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal' },
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              const i = c++;
              const body = JSON.stringify(observation(`Patient/${panel[i % panel.length]}`, i));
              return { ...req, path: '/fhir/R4/Observation', body };
            },
          },
        ],
      }),
    },
  ];
}

const results = [];

// Interrupted: stop the servers (dropping their databases) and remove the baseline worktree.
const cleanups = [];
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error(error.message));
    process.exit(130);
  });
}
/** Runs `work` with `cleanup` registered for interruptions, then cleans up. */
async function withCleanup(cleanup, work) {
  cleanups.push(cleanup);
  try {
    return await work();
  } finally {
    cleanups.splice(cleanups.indexOf(cleanup), 1);
    await cleanup();
  }
}

async function measure(config, server, panel, authorization) {
  for (const workload of workloads(panel).filter((w) => workloadKeys.has(w.key))) {
    const quiet = await waitForQuiet();
    const options = workload.options();
    const headers = { ...options.headers, ...(authorization ? { authorization } : {}) };
    if (warmup > 0)
      await load(`${config} ${workload.name} (warm-up)`, { ...options, url: server.url, headers, duration: warmup });
    const cpuBefore = cpuSeconds(server.pid);
    const summary = await load(`${config} ${workload.name}`, { ...options, url: server.url, headers, duration });
    const cpuMs = Math.round(((cpuSeconds(server.pid) - cpuBefore) * 1e5) / summary.total) / 100;
    console.log(JSON.stringify({ serverCpuMsPerRequest: cpuMs, loadAtStart: quiet.load, waitedSeconds: quiet.waited }));
    results.push({ config, workload: workload.name, ...summary, cpuMs, loadAtStart: quiet.load, waited: quiet.waited });
  }
}

// ---------------------------------------------------------------------------------------------------

// One folder per server: the server's main thread and tsx's loader thread each write a profile.
const profileArgs = (name) =>
  values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(values['cpu-prof'], name)}`] : [];

console.log(
  `# ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(
  `## PostgreSQL: ${patientCount} patients, ${observationCount} observations on ${charted}, panel ${panelSize}; 16 connections, ${duration} s (after ${warmup} s warm-up)`,
);

if (configs.has('a')) {
  const commit = baselineCommit();
  console.log(`## (a) baseline ${git('log', '-1', '--format=%h %s', commit)}`);
  const baseline = createBaseline(commit);
  for (const note of baseline.patched) console.log(`   baseline worktree: ${note}`);
  await withCleanup(
    () => baseline.remove(),
    async () => {
      const server = await startServer('postgres', values.postgres, {
        root: baseline.dir,
        nodeArgs: profileArgs('a-baseline'),
      });
      await withCleanup(
        () => server.stop(),
        async () => {
          // No identity: the FHIR API answers without any credentials.
          const open = await status(server, '/fhir/R4/Patient?_count=1');
          if (open !== 200) throw new Error(`The baseline asks for credentials (${open}): not the pre-identity engine`);
          const data = await seed(server);
          await measure('a', server, data.panel);
        },
      );
    },
  );
}

if (configs.has('b') || configs.has('c') || configs.has('d')) {
  console.log(`## (b, c, d) today's server ${git('log', '-1', '--format=%h %s')}`);
  const server = await startServer('postgres', values.postgres, {
    // Tokens outlive the run; rate limits stay on but cannot refuse the load of one signed-in user.
    env: { ACCESS_TOKEN_TTL_SECONDS: '3600', RATE_LIMIT_PER_MINUTE: '1000000000' },
    nodeArgs: profileArgs('bcd-today'),
  });
  await withCleanup(
    () => server.stop(),
    async () => {
      const anonymous = await status(server, '/fhir/R4/Patient?_count=1');
      if (anonymous !== 401) throw new Error(`Today's server answered ${anonymous} without credentials`);
      const data = await seed(server);
      const physician = await createUser(server, 'physician', ['--fhir-user', `Practitioner/${data.practitionerId}`]);
      const admin = await createUser(server, 'tenant_admin');
      const adminAuthorization = await signIn(server, admin);
      if (configs.has('b')) await measure('b', server, data.panel);
      if (configs.has('c')) {
        await setClinicianAccess(server, adminAuthorization, 'all');
        const authorization = await signIn(server, physician);
        const outside = await status(server, `/fhir/R4/Patient/${data.outsider}`, authorization);
        console.log(
          JSON.stringify({ check: "physician, clinicianAccess 'all', a patient outside the panel", status: outside }),
        );
        await measure('c', server, data.panel, authorization);
      }
      if (configs.has('d')) {
        await setClinicianAccess(server, adminAuthorization, 'care-team');
        const authorization = await signIn(server, physician);
        const outside = await status(server, `/fhir/R4/Patient/${data.outsider}`, authorization);
        const inside = await status(server, `/fhir/R4/Patient/${data.panel[0]}`, authorization);
        console.log(
          JSON.stringify({ check: "physician, clinicianAccess 'care-team'", panelPatient: inside, outsider: outside }),
        );
        if (inside !== 200 || outside === 200) throw new Error('The care-team policy is not in force');
        await measure('d', server, data.panel, authorization);
      }
    },
  );
}

// ---------------------------------------------------------------------------------------------------

console.log(
  '\n| workload | configuration | req/s | p50 ms | p99 ms | errors | server CPU ms/req | load at start | throughput cost vs (a) | CPU cost vs (a) |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const order = workloads([]).map((workload) => workload.name);
results.sort((x, y) => order.indexOf(x.workload) - order.indexOf(y.workload) || x.config.localeCompare(y.config));
for (const row of results) {
  const base = results.find((other) => other.config === 'a' && other.workload === row.workload);
  const percent = (value) => (row.config === 'a' || !base ? '—' : `${Math.round(value * 1000) / 10}%`);
  const cost = percent(1 - row.requestsPerSecond / (base?.requestsPerSecond ?? 1));
  const cpuCost = percent(row.cpuMs / (base?.cpuMs ?? 1) - 1);
  console.log(
    `| ${row.workload} | ${row.config} | ${row.requestsPerSecond.toLocaleString('en')} | ${row.p50} | ${row.p99} | ${row.errors} | ${row.cpuMs} | ${row.loadAtStart} | ${cost} | ${cpuCost} |`,
  );
}
