// The web app's budget: how soon the chart of a patient with ten years of history is usable after
// navigation, and how much JavaScript the clinician workspace loads. Usage:
//   node bench/chart.mjs [--engine postgres|pglite|both] [--runs 20] [--years 10] [--others 1000]
//                        [--build] [--root <checkout>] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
// Starts a real `meridian start` on a fresh database (PostgreSQL: a throwaway database, dropped at the
// end; PGlite: a temporary folder), seeds one chart patient (bench/chart-history.mjs, about 2,500
// resources) among `--others` patients with 20 observations each, creates a physician, signs in through
// the sign-in page in headless Chromium and measures, `--runs` times each after one discarded warm-up:
//   cold:   a new browser context (empty HTTP cache, the session cookie copied in) loads the chart URL;
//   reload: a new tab in the same context loads the chart URL (scripts from the HTTP cache);
//   warm:   the patient search page (fully loaded, results shown) → click the patient's name.
// "Usable" is the first animation frame in which all of these hold: the banner's heading names the
// patient; the allergy badge names the patient's allergy; the risk-flag badge is shown; the chart's
// first tab (Conditions) shows its table with rows; and nothing in the banner or the page's main area is
// a loading placeholder (role=status "Loading…", a skeleton, aria-busy). Times are the page's own clock:
// from navigation start (cold, reload) or from the click (warm). The web app is built first if
// apps/web/dist is missing (or with --build); bundle sizes are the files the browser fetched, gzipped
// here with zlib (level 9, as the server's precompressed .gz files).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { chartHistory } from './chart-history.mjs';
import { authHeaders, ingest, observation, patient, startServer } from './lib.mjs';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    runs: { type: 'string', default: '20' },
    years: { type: 'string', default: '10' },
    others: { type: 'string', default: '1000' },
    build: { type: 'boolean', default: false },
    root: { type: 'string' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const runs = Number(values.runs);
const years = Number(values.years);
const others = Number(values.others);
const engines = values.engine === 'both' ? ['postgres', 'pglite'] : [values.engine];

// --root: another checkout (a git worktree sharing this one's node_modules) whose server and web app to run.
const ROOT = values.root ?? join(import.meta.dirname, '..');
const DIST = join(ROOT, 'apps', 'web', 'dist');
const TENANT = '00000000-0000-4000-8000-000000000001';
const FAMILY = 'Chartwell';
const GIVEN = 'Ada';
const ALLERGY = 'Penicillin';
const FLAG = 'Fall risk';
const PHYSICIAN = { email: 'chart-bench@meridian.test', password: 'Harbour-lantern-violet-1987' };
// Debian's Chromium, headless, with nothing that reaches outside this machine.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

async function api(url, path, { method = 'GET', body, headers = {} } = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/fhir+json', ...authHeaders(), ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function seed(url) {
  const started = performance.now();
  const practitioner = await api(url, '/fhir/R4/Practitioner', {
    method: 'POST',
    body: { resourceType: 'Practitioner', name: [{ family: 'Okafor', given: ['Grace'], prefix: ['Dr'] }] },
  });
  // Registered as the front desk would (MRN, duplicate check), then the history through transactions.
  const chartPatient = (
    await api(url, '/patients', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: {
        patient: {
          resourceType: 'Patient',
          name: [{ use: 'official', family: FAMILY, given: [GIVEN] }],
          gender: 'female',
          birthDate: '1956-03-14',
          telecom: [{ system: 'phone', value: '+1 555 010 2030' }],
          address: [{ line: ['12 Harbour Street'], city: 'Springfield', postalCode: '10400' }],
        },
        force: true,
      },
    })
  ).patient;
  const history = chartHistory({
    patientRef: `Patient/${chartPatient.id}`,
    practitionerRef: `Practitioner/${practitioner.id}`,
    years,
  });
  for (const bundle of history.bundles) {
    await api(url, '/fhir/R4', { method: 'POST', body: bundle, headers: { prefer: 'return=minimal' } });
  }
  if (others > 0) {
    await ingest(
      url,
      Array.from({ length: others }, (_, i) => patient(i)),
    );
    const ids = (await api(url, `/fhir/R4/Patient?_count=${Math.min(others + 1, 1000)}&_elements=id&_total=none`)).entry
      .map((entry) => entry.resource.id)
      .filter((id) => id !== chartPatient.id);
    await ingest(
      url,
      Array.from({ length: ids.length * 20 }, (_, i) => observation(`Patient/${ids[i % ids.length]}`, i)),
    );
  }
  await api(url, '/admin/local/users', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: {
      tenant: TENANT,
      email: PHYSICIAN.email,
      name: 'Grace Okafor',
      role: 'physician',
      password: PHYSICIAN.password,
    },
  });
  return {
    patientId: chartPatient.id,
    resources: history.count,
    seconds: Math.round((performance.now() - started) / 1000),
  };
}

function buildWebApp() {
  if (existsSync(join(DIST, 'index.html')) && !values.build) return;
  console.log('building the web app (npm run build -w apps/web)');
  const result = spawnSync('npm', ['run', 'build', '-w', 'apps/web'], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: 600_000,
  });
  if (result.status !== 0) throw new Error('the web app did not build');
}

/** In the page: performance.now() once the chart is usable (see the header), else false. */
function chartUsable({ family, allergy, flag }) {
  const banner = document.querySelector('section[aria-label="Patient banner"]');
  const main = document.querySelector('main');
  if (!banner || !main) return false;
  const heading = banner.querySelector('h1');
  if (!heading?.textContent.toUpperCase().includes(family.toUpperCase())) return false;
  if (!banner.textContent.includes(allergy) || !banner.textContent.includes(flag)) return false;
  const panel = main.querySelector('[role="tabpanel"]');
  const table = panel?.querySelector('table[aria-label="Conditions"]');
  if (!table || table.querySelectorAll('tbody tr').length === 0) return false;
  const loading = [banner, main].some((area) =>
    area.querySelector('[role="status"][aria-label^="Loading"], [class*="Skeleton"], [aria-busy="true"]'),
  );
  return loading ? false : performance.now();
}

/** What the page fetched and when, relative to its navigation start, to show what waits on what. */
function waterfall() {
  const [navigation] = performance.getEntriesByType('navigation');
  const marks = navigation
    ? [
        { path: '(document)', start: 0, end: Math.round(navigation.responseEnd) },
        {
          path: '(DOMContentLoaded)',
          start: Math.round(navigation.domContentLoadedEventStart),
          end: Math.round(navigation.domContentLoadedEventEnd),
        },
      ]
    : [];
  const fetched = performance.getEntriesByType('resource').map((entry) => {
    const url = new URL(entry.name);
    return {
      path: url.pathname + url.search.slice(0, 40),
      start: Math.round(entry.startTime),
      end: Math.round(entry.responseEnd),
    };
  });
  return [...marks, ...fetched].sort((a, b) => a.start - b.start);
}

const EXPECTED = { family: FAMILY, allergy: ALLERGY, flag: FLAG };

/** In the page: which part of "usable" is missing, for the error when a load never gets there. */
function chartState({ family, allergy, flag }) {
  const banner = document.querySelector('section[aria-label="Patient banner"]');
  const main = document.querySelector('main');
  return {
    url: location.pathname,
    banner: Boolean(banner),
    name: Boolean(banner?.querySelector('h1')?.textContent.toUpperCase().includes(family.toUpperCase())),
    allergy: Boolean(banner?.textContent.includes(allergy)),
    flag: Boolean(banner?.textContent.includes(flag)),
    conditionRows: main?.querySelectorAll('[role="tabpanel"] table[aria-label="Conditions"] tbody tr').length ?? 0,
    loading: [banner, main].flatMap((area) =>
      area
        ? [
            ...area.querySelectorAll('[role="status"][aria-label^="Loading"], [class*="Skeleton"], [aria-busy="true"]'),
          ].map((element) => element.getAttribute('aria-label') ?? element.className)
        : [],
    ),
    text: document.body.innerText.slice(0, 300),
  };
}

async function usableAt(page) {
  try {
    const handle = await page.waitForFunction(chartUsable, EXPECTED, { polling: 'raf', timeout: 30_000 });
    return await handle.jsonValue();
  } catch (error) {
    const state = await page.evaluate(chartState, EXPECTED).catch(() => 'page gone');
    throw new Error(`the chart did not become usable in 30 s: ${JSON.stringify(state)}`, { cause: error });
  }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarise(name, times) {
  const sorted = [...times].sort((a, b) => a - b);
  const result = {
    name,
    runs: times.length,
    p50: Math.round(percentile(sorted, 50)),
    p95: Math.round(percentile(sorted, 95)),
    min: Math.round(sorted[0]),
    max: Math.round(sorted.at(-1)),
  };
  console.log(JSON.stringify(result));
  return result;
}

/** The JavaScript (and CSS) files a page fetched from the app's assets, with their gzipped sizes. */
function assetsOf(page) {
  const files = new Set();
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (path.startsWith('/assets/')) files.add(path.slice(1));
  });
  return files;
}

function gzipped(files) {
  const sizes = [...files].map((file) => {
    const content = readFileSync(join(DIST, file));
    return { file, raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
  });
  const js = sizes.filter((size) => size.file.endsWith('.js'));
  const total = (list, key) => list.reduce((sum, size) => sum + size[key], 0);
  return {
    files: sizes,
    jsGzip: total(js, 'gzip'),
    jsRaw: total(js, 'raw'),
    cssGzip: total(sizes, 'gzip') - total(js, 'gzip'),
  };
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

async function bundleSizes(browser, base, storageState, chartPath) {
  const entryHtml = readFileSync(join(DIST, 'index.html'), 'utf8');
  const entry = [...entryHtml.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((match) => match[1]);
  const home = await browser.newContext({ baseURL: base, storageState });
  const homePage = await home.newPage();
  const homeFiles = assetsOf(homePage);
  await homePage.goto('/', { waitUntil: 'networkidle' });
  await homePage.getByRole('heading', { level: 1 }).waitFor();
  await homePage.waitForLoadState('networkidle');
  await home.close();
  const chart = await browser.newContext({ baseURL: base, storageState });
  const chartPage = await chart.newPage();
  const chartFiles = assetsOf(chartPage);
  await chartPage.goto(chartPath);
  await usableAt(chartPage);
  await chartPage.waitForLoadState('networkidle');
  await chart.close();
  const entrySizes = gzipped(new Set(entry));
  const homeSizes = gzipped(homeFiles);
  const chartOnly = gzipped(new Set([...chartFiles].filter((file) => !homeFiles.has(file))));
  const report = {
    entryJsGzip: kB(entrySizes.jsGzip),
    workspaceHomeJsGzip: kB(homeSizes.jsGzip),
    workspaceHomeJsRaw: kB(homeSizes.jsRaw),
    workspaceHomeCssGzip: kB(homeSizes.cssGzip),
    chartJsGzipBeyondHome: kB(chartOnly.jsGzip),
    homeFiles: homeSizes.files.map((size) => `${size.file} ${kB(size.gzip)}`),
    chartFiles: chartOnly.files.map((size) => `${size.file} ${kB(size.gzip)}`),
  };
  console.log(JSON.stringify({ name: 'bundle sizes (gzip -9)', ...report }, null, 1));
  return report;
}

async function signIn(browser, base) {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(PHYSICIAN.email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PHYSICIAN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/sign-in');
  await page.getByRole('heading', { level: 1 }).waitFor();
  const state = await context.storageState();
  await context.close();
  return state;
}

async function measure(browser, base, patientId) {
  const storageState = await signIn(browser, base);
  const chartPath = `/patients/${patientId}`;
  const viewport = { width: 1360, height: 860 };
  const results = [];
  const slowest = {};
  const keep = (name, time, waterfall) => {
    if (!slowest[name] || time > slowest[name].time) slowest[name] = { time: Math.round(time), waterfall };
  };

  // cold: a new context each time, so nothing is cached but the session cookie.
  const cold = [];
  for (let run = 0; run <= runs; run++) {
    const context = await browser.newContext({ baseURL: base, storageState, viewport });
    const page = await context.newPage();
    await page.goto(chartPath, { waitUntil: 'commit' });
    const time = await usableAt(page);
    if (run > 0) {
      cold.push(time);
      keep('cold', time, await page.evaluate(waterfall));
    }
    await context.close();
  }
  results.push(summarise('cold: new context, chart URL loaded (ms from navigation start)', cold));

  // reload: the same context, a new tab each time; the scripts come from its HTTP cache.
  const context = await browser.newContext({ baseURL: base, storageState, viewport });
  const reload = [];
  for (let run = 0; run <= runs; run++) {
    const page = await context.newPage();
    await page.goto(chartPath, { waitUntil: 'commit' });
    const time = await usableAt(page);
    if (run > 0) {
      reload.push(time);
      keep('reload', time, await page.evaluate(waterfall));
    }
    await page.close();
  }
  results.push(summarise('reload: new tab, chart URL loaded, scripts cached (ms from navigation start)', reload));

  // warm: from the search page's results, in-app navigation (the query cache starts empty each time).
  const warm = [];
  const page = await context.newPage();
  for (let run = 0; run <= runs; run++) {
    await page.goto(`/patients?q=${FAMILY}`);
    const link = page.getByRole('link', { name: new RegExp(`${FAMILY}, ${GIVEN}`, 'i') });
    await link.waitFor();
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => {
      performance.clearResourceTimings();
      document.addEventListener('click', () => (window.__clickedAt = performance.now()), { capture: true, once: true });
    });
    await link.click();
    const usable = await usableAt(page);
    const time = usable - (await page.evaluate(() => window.__clickedAt));
    if (run > 0) {
      warm.push(time);
      keep('warm', time, await page.evaluate(waterfall));
    }
  }
  results.push(summarise('warm: click on the patient in search results (ms from the click)', warm));
  await context.close();
  for (const [name, { time, waterfall }] of Object.entries(slowest)) {
    console.log(`slowest ${name} run (${time} ms), fetches [start–end ms]:`);
    for (const call of waterfall)
      console.log(`  ${String(call.start).padStart(5)}–${String(call.end).padEnd(5)} ${call.path}`);
  }
  const bundles = await bundleSizes(browser, base, storageState, chartPath);
  return { results, bundles };
}

console.log(
  `# ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')}`,
);
buildWebApp();
for (const engine of engines) {
  const server = await startServer(engine, values.postgres, {
    env: { RATE_LIMIT_LOGIN_PER_MINUTE: '1000' },
    ...(values.root ? { root: values.root } : {}),
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    const seeded = await seed(server.url);
    console.log(
      JSON.stringify({ engine, chartResources: seeded.resources, otherPatients: others, seedSeconds: seeded.seconds }),
    );
    // The server refreshes planner statistics after bulk writes (checked every 5 s).
    await new Promise((resolve) => setTimeout(resolve, 8000));
    await measure(browser, server.url, seeded.patientId);
    console.log(
      `load average at the end: ${loadavg()
        .map((load) => load.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await browser.close();
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}
