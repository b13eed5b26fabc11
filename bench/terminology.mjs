// Terminology benchmark: ValueSet/$expand with a type-ahead filter over a code system of ~100,000 concepts,
// on PGlite and PostgreSQL. Usage: node bench/terminology.mjs [--engine pglite|postgres|both] [--concepts 100000]
//                                  [--rounds 50] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
// Runs the terminology service in this process (no HTTP) on a fresh, migrated database. The code system is
// synthetic but shaped like ICD-10-CM (the full release is not shipped): codes like 'K52.917', displays of
// 3–12 words drawn with a skewed (Zipf) frequency from the shipped displays' words plus made-up ones, so
// 'unspecified' or 'with' match tens of thousands of concepts the way they do in the real release.
// Each query is run `rounds` times one after another; the figures are per expansion (page of 20 + total),
// and per type-ahead search (page of 20, no total: what GET /terminology/search does).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { register } from 'tsx/esm/api';

register();
const { createPgliteDatabase, createPostgresDatabase, migrate } = await import(
  '../apps/server/src/platform/db/index.ts'
);
const { TerminologyService, shippedReleases } = await import('../apps/server/src/modules/terminology/index.ts');

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    concepts: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '50' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const conceptCount = Number(values.concepts);
const rounds = Number(values.rounds);
const engines = values.engine === 'both' ? ['postgres', 'pglite'] : [values.engine];
const SYSTEM = 'http://example.org/bench/icd-like';

// A small deterministic generator, so every run loads the same concepts.
let seed = 42;
const random = () => {
  // mulberry32: exact in 32-bit integer arithmetic.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

function vocabulary() {
  const words = new Set();
  for (const release of shippedReleases()) {
    for (const concept of release.concepts) {
      for (const word of concept.display.toLowerCase().split(/[^a-z0-9]+/)) if (word.length > 1) words.add(word);
    }
  }
  const list = [
    'unspecified',
    'with',
    'of',
    'and',
    'without',
    'other',
    'right',
    'left',
    'initial',
    'encounter',
    ...words,
  ];
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  while (list.length < 12_000) {
    let word = '';
    const length = 4 + Math.floor(random() * 8);
    for (let i = 0; i < length; i++) word += letters[Math.floor(random() * 26)];
    list.push(word);
  }
  return [...new Set(list)];
}

function syntheticConcepts(count) {
  const words = vocabulary();
  // Zipf-like: the word at rank r is drawn with weight 1 / (r + 1).
  const weights = words.map((_, rank) => 1 / (rank + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const cumulative = [];
  let running = 0;
  for (const weight of weights) {
    running += weight / total;
    cumulative.push(running);
  }
  const pick = () => {
    const target = random();
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid] < target) low = mid + 1;
      else high = mid;
    }
    return words[low];
  };
  const concepts = [];
  const codes = new Set();
  while (concepts.length < count) {
    const letter = String.fromCharCode(65 + Math.floor(random() * 26));
    const digits = String(Math.floor(random() * 100)).padStart(2, '0');
    const tail = Math.floor(random() * 10_000)
      .toString()
      .slice(0, 1 + Math.floor(random() * 4));
    const code = `${letter}${digits}.${tail}`;
    if (codes.has(code)) continue;
    codes.add(code);
    const length = 3 + Math.floor(random() * 10);
    const display = Array.from({ length }, pick).join(' ');
    concepts.push({
      code,
      display: display[0].toUpperCase() + display.slice(1),
      abstract: false,
      inactive: false,
      properties: {},
    });
  }
  return concepts;
}

async function openEngine(engine) {
  if (engine === 'pglite') {
    const db = await createPgliteDatabase({});
    return { db, drop: () => db.close() };
  }
  const name = `meridian_bench_terminology_${Date.now()}`;
  const admin = new pg.Client({ connectionString: values.postgres });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const db = createPostgresDatabase({ url: values.postgres.replace(/\/[^/]*$/, `/${name}`), poolSize: 4 });
  return {
    db,
    async drop() {
      await db.close();
      // BENCH_KEEP_DATABASE=1 leaves the database behind, for EXPLAIN ANALYZE after a run.
      if (process.env.BENCH_KEEP_DATABASE === '1') return console.log(`kept database ${name}`);
      const client = new pg.Client({ connectionString: values.postgres });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

console.log(
  `# ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
const concepts = syntheticConcepts(conceptCount);
const queries = [
  ['no filter (first page, total)', undefined],
  ['code prefix `k52`', 'k52'],
  ['one rare word prefix `hypert`', 'hypert'],
  ['one common word `unspecified`', 'unspecified'],
  ['two words `pain knee`', 'pain knee'],
  ['two letters `ab`', 'ab'],
];

for (const engine of engines) {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-terminology-'));
  const { db, drop } = await openEngine(engine);
  try {
    await migrate(db);
    const service = new TerminologyService({ db });
    const started = performance.now();
    await service.load({
      url: SYSTEM,
      name: 'BenchIcdLike',
      title: 'Synthetic ICD-like code system',
      version: '1',
      source: 'imported',
      hierarchical: false,
      concepts,
    });
    const loadSeconds = (performance.now() - started) / 1000;
    await db.asOwner((owner) => owner.query('ANALYZE terminology_concept'));
    console.log(
      JSON.stringify({ engine, name: 'load', concepts: concepts.length, seconds: Number(loadSeconds.toFixed(1)) }),
    );
    const valueSet = { url: `${SYSTEM}?fhir_vs`, name: 'All', title: 'All', system: SYSTEM, constraint: {} };
    for (const [name, filter] of queries) {
      const times = [];
      let total = 0;
      for (let round = 0; round < rounds; round++) {
        const begin = performance.now();
        const expansion = await service.expand(valueSet, { ...(filter ? { filter } : {}), count: 20, offset: 0 });
        times.push(performance.now() - begin);
        total = expansion.total;
      }
      times.sort((a, b) => a - b);
      // The web app's type-ahead (GET /terminology/search): the same ranking, no total.
      const typeAhead = [];
      for (let round = 0; filter && round < rounds; round++) {
        const begin = performance.now();
        await service.search(SYSTEM, filter, 20);
        typeAhead.push(performance.now() - begin);
      }
      typeAhead.sort((a, b) => a - b);
      console.log(
        JSON.stringify({
          engine,
          name,
          matches: total,
          p50: Number(percentile(times, 50).toFixed(1)),
          p99: Number(percentile(times, 99).toFixed(1)),
          ...(filter
            ? {
                searchP50: Number(percentile(typeAhead, 50).toFixed(1)),
                searchP99: Number(percentile(typeAhead, 99).toFixed(1)),
              }
            : {}),
        }),
      );
    }
  } finally {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
