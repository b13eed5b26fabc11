import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPOSITORY = resolve(import.meta.dirname, '../..');
export const WEB_DIST = join(REPOSITORY, 'apps/web/dist');
export const DEFAULT_TENANT = '00000000-0000-4000-8000-000000000001';

export interface RunningServer {
  url: string;
  dataDir: string;
  /** The CLI's token for /admin/local routes, read from DATA_DIR/server.json. */
  adminToken: string;
  output: () => string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts `meridian start` on a free port with its own embedded database in a temporary folder.
 * `env` adds settings (the vault's address, for one).
 */
export async function startMeridian(env: Record<string, string> = {}): Promise<RunningServer> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error('The web app is not built: run `npm run build -w apps/web` before the browser tests');
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    // Every test signs in from the one loopback address, far faster than a clinic's staff would.
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000',
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    BASE_URL: url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    REQUEST_LOG: 'false',
    BOOTSTRAP_ADMIN: 'false',
  };
  delete serverEnv.DATABASE_URL;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [join(REPOSITORY, 'apps/server/bin/meridian.mjs'), 'start'], {
    cwd: REPOSITORY,
    env: serverEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));

  const deadline = Date.now() + 120_000;
  let linkToken: string | undefined;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Meridian exited with ${child.exitCode} while starting:\n${output}`);
    try {
      const ready = await fetch(`${url}/readyz`);
      const linkFile = join(dataDir, 'server.json');
      if (ready.ok && existsSync(linkFile)) {
        linkToken = (JSON.parse(readFileSync(linkFile, 'utf8')) as { token: string }).token;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  if (!linkToken) {
    child.kill('SIGKILL');
    throw new Error(`Meridian did not become ready in time:\n${output}`);
  }

  return {
    url,
    dataDir,
    adminToken: linkToken,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
