#!/usr/bin/env node
// `npm start`: builds the web app when its build is missing or stale, then runs Meridian (the platform
// server) and Meridian Vault side by side, each in its own process. Ctrl-C or SIGTERM stops both.
// MERIDIAN_VAULT=off starts the platform alone.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const web = join(root, 'apps', 'web');
if (existsSync(join(web, 'package.json'))) {
  const built = join(web, 'dist', 'index.html');
  if (!existsSync(built) || statSync(built).mtimeMs < newestMtime(join(web, 'src'))) {
    console.error('Building the web app…');
    const result = spawnSync(npm, ['run', 'build', '-w', 'apps/web'], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) process.exit(result.status ?? 1);
  }
}

const children = [];
function run(name, args, env = {}) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  children.push({ name, child });
  return child;
}

const vaultEnabled = !/^(off|false|0)$/i.test(process.env.MERIDIAN_VAULT ?? '');
if (vaultEnabled && existsSync(join(root, 'apps', 'vault', 'src', 'main.ts'))) {
  const vault = run('vault', ['--import', 'tsx', join(root, 'apps', 'vault', 'src', 'main.ts')], {
    VAULT_STORAGE_PATH: process.env.VAULT_STORAGE_PATH ?? join(process.env.DATA_DIR ?? '.data', 'vault'),
  });
  vault.on('exit', (code) => {
    // The platform keeps serving without the vault; say so plainly.
    if (!stopping) console.error(`Meridian Vault stopped (exit ${code}); the platform keeps running.`);
  });
}

// The server forwards /vault/v1/* to the vault (the web app's vault screens); tell it where the vault listens.
function vaultAddress() {
  if (process.env.VAULT_ADDR) return process.env.VAULT_ADDR;
  const host = process.env.VAULT_HOST ?? '127.0.0.1';
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${process.env.VAULT_PORT || '8200'}`;
}

const server = run('server', [join(root, 'apps', 'server', 'bin', 'meridian.mjs'), 'start'], {
  VAULT_ADDR: vaultAddress(),
});
let stopping = false;
function stopAll(signal) {
  stopping = true;
  for (const { child } of children) if (child.exitCode === null) child.kill(signal);
}
process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));
server.on('exit', (code) => {
  stopAll('SIGTERM');
  process.exitCode = code ?? 1;
});
