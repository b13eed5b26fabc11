import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REPOSITORY } from './meridian-server';

export interface RunningVault {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the real Meridian Vault process (apps/vault/src/main.ts) on a free port with file storage in a
 * temporary folder. It starts uninitialised and sealed, as a new installation does.
 */
export async function startVault(): Promise<RunningVault> {
  const port = await freePort();
  const storage = mkdtempSync(join(tmpdir(), 'meridian-e2e-vault-'));
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(REPOSITORY, 'apps/vault/src/main.ts')], {
    cwd: REPOSITORY,
    env: { ...process.env, VAULT_PORT: String(port), VAULT_HOST: '127.0.0.1', VAULT_STORAGE_PATH: storage },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(storage, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Meridian Vault exited with ${child.exitCode}:\n${output}`);
    try {
      // Any answer will do: an uninitialised vault's health is 501.
      await fetch(`${url}/v1/sys/seal-status`);
      return { url, output: () => output, stop };
    } catch {
      await new Promise((wait) => setTimeout(wait, 200));
    }
  }
  await stop();
  throw new Error(`Meridian Vault did not start in time:\n${output}`);
}
