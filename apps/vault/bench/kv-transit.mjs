#!/usr/bin/env node
// Meridian Vault throughput: KV v2 reads/s, KV v2 writes/s and transit encrypt/s at concurrency 16.
//
// Against a running vault:   VAULT_ADDR=http://127.0.0.1:8200 VAULT_TOKEN=hvs.... node bench/kv-transit.mjs
// Without VAULT_ADDR the script starts its own vault (file storage in a temporary folder), initialises
// and unseals it, and stops it at the end. BENCH_DURATION (seconds, default 10) and BENCH_CONNECTIONS
// (default 16) tune the runs. Only loopback addresses are accepted.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = dirname(fileURLToPath(import.meta.url));
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function call(addr, method, path, token, body) {
  const res = await fetch(`${addr}/v1/${path}`, {
    method,
    headers: { ...(token ? { 'X-Vault-Token': token } : {}), 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function startOwnVault() {
  const storage = await mkdtemp(join(tmpdir(), 'meridian-vault-bench-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, '..', 'src', 'main.ts')], {
    env: { ...process.env, VAULT_PORT: String(port), VAULT_HOST: '127.0.0.1', VAULT_STORAGE_PATH: storage },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const addr = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${addr}/v1/sys/health`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const init = await call(addr, 'PUT', 'sys/init', undefined, { secret_shares: 1, secret_threshold: 1 });
  await call(addr, 'PUT', 'sys/unseal', undefined, { key: init.keys[0] });
  return {
    addr,
    token: init.root_token,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
      await rm(storage, { recursive: true, force: true });
    },
  };
}

function run(options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections, duration, pipelining: 1, ...options }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

async function main() {
  const own = process.env.VAULT_ADDR ? null : await startOwnVault();
  const addr = own?.addr ?? process.env.VAULT_ADDR;
  const token = own?.token ?? process.env.VAULT_TOKEN;
  const host = new URL(addr).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host))
    throw new Error('benchmarks only run against loopback');
  if (!token) throw new Error('VAULT_TOKEN is required with VAULT_ADDR');
  const headers = { 'X-Vault-Token': token, 'Content-Type': 'application/json' };

  const mounts = await call(addr, 'GET', 'sys/mounts', token);
  if (!mounts.data['bench-kv/']) await call(addr, 'POST', 'sys/mounts/bench-kv', token, { type: 'kv-v2' });
  if (!mounts.data['bench-transit/']) await call(addr, 'POST', 'sys/mounts/bench-transit', token, { type: 'transit' });
  await call(addr, 'POST', 'bench-transit/keys/bench', token, {});
  const secret = { data: { username: 'bench', password: 'x'.repeat(32), url: 'postgres://db.internal:5432/app' } };
  await call(addr, 'POST', 'bench-kv/data/read-target', token, secret);

  const results = [];
  const record = (name, result) => {
    const row = {
      name,
      requestsPerSecond: Math.round(result.requests.average),
      latencyP50: result.latency.p50,
      latencyP99: result.latency.p99,
      errors: result.errors + result.non2xx,
      total: result.requests.total,
    };
    results.push(row);
    process.stderr.write(
      `${name}: ${row.requestsPerSecond} req/s (p50 ${row.latencyP50} ms, p99 ${row.latencyP99} ms)\n`,
    );
  };

  record('KV v2 read', await run({ url: `${addr}/v1/bench-kv/data/read-target`, headers }));

  let n = 0;
  const writeBody = JSON.stringify(secret);
  record(
    'KV v2 write',
    await run({
      url: addr,
      requests: [
        {
          method: 'POST',
          headers,
          setupRequest: (req) => ({ ...req, path: `/v1/bench-kv/data/write-${n++ % 1000}`, body: writeBody }),
        },
      ],
    }),
  );

  const plaintext = Buffer.from('4111 1111 1111 1111 / patient 0042 / exp 12-29').toString('base64');
  record(
    'Transit encrypt',
    await run({
      url: `${addr}/v1/bench-transit/encrypt/bench`,
      method: 'POST',
      headers,
      body: JSON.stringify({ plaintext }),
    }),
  );

  await own?.stop();
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`;
  console.log(`| Workload | Requests/s | p50 ms | p99 ms | Errors |`);
  console.log(`| --- | ---: | ---: | ---: | ---: |`);
  for (const r of results)
    console.log(`| ${r.name} | ${r.requestsPerSecond} | ${r.latencyP50} | ${r.latencyP99} | ${r.errors} |`);
  console.log(`\n${duration} s per workload, ${connections} connections, ${machine}, ${new Date().toISOString()}`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
