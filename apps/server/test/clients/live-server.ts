import { createServer } from 'node:net';
import type { Config } from '../../src/config';
import { createTestApp, type TestApp } from '../test-app';

/** A free TCP port on the loopback interface, picked by the OS. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface LiveServer {
  app: TestApp;
  /** The FHIR base URL clients talk to, e.g. http://127.0.0.1:39123/fhir/R4. */
  fhirBase: string;
  close(): Promise<void>;
}

/**
 * Meridian listening on a real port, built with BASE_URL set to that very address so the links it writes
 * (Location, Bundle next links, fullUrls) lead third-party clients back to it.
 */
export async function startLiveServer(overrides: Partial<Config> = {}): Promise<LiveServer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const app = await createTestApp({ ...overrides, baseUrl: origin, port });
    try {
      await app.app.listen({ port, host: '127.0.0.1' });
      return { app, fhirBase: `${origin}/fhir/R4`, close: () => app.close() };
    } catch (error) {
      await app.close();
      // Another process took the port between our probe and listen: try another.
      if (attempt >= 3 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
}
