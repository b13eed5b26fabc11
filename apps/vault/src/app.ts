import Fastify, { type FastifyInstance } from 'fastify';
import { wireBackends } from './backends.js';
import type { VaultConfig } from './config.js';
import type { Clock } from './core/clock.js';
import { systemClock } from './core/clock.js';
import { Core } from './core/core.js';
import { createListAwareServer } from './http/list-method.js';
import { registerRoutes } from './http/router.js';
import { CachedStorage } from './storage/cache.js';
import { FileStorage } from './storage/file.js';
import { PostgresStorage } from './storage/postgres.js';
import type { PhysicalStorage } from './storage/types.js';

export interface VaultDeps {
  clock?: Clock;
  /** Overrides the storage chosen from the configuration. */
  storage?: PhysicalStorage;
  logger?: boolean;
}

export type VaultApp = FastifyInstance & { vault: Core };

export function storageFromConfig(config: VaultConfig): PhysicalStorage {
  return config.databaseUrl ? new PostgresStorage(config.databaseUrl) : new FileStorage(config.storagePath);
}

/** Builds the Vault HTTP server. Storage is opened when the app becomes ready and closed with it. */
export function buildVaultApp(config: VaultConfig, deps: VaultDeps = {}): VaultApp {
  const app = Fastify({
    logger: deps.logger
      ? {
          level: 'info',
          // Method, URL and status only: no headers (tokens) and no bodies (secrets).
          serializers: {
            req: (req) => ({ method: req.method, url: req.url }),
            res: (res) => ({ statusCode: res.statusCode }),
          },
        }
      : false,
    bodyLimit: 32 * 1024 * 1024,
    serverFactory: (handler) => createListAwareServer(handler),
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 4096 },
  });
  const core = new Core({
    physical: deps.storage ?? new CachedStorage(storageFromConfig(config)),
    clock: deps.clock ?? systemClock,
    ...(config.auditFile ? { auditFile: config.auditFile } : {}),
  });
  wireBackends(core);
  registerRoutes(app, core);
  app.decorate('vault', core);
  app.addHook('onReady', async () => {
    await core.start();
  });
  app.addHook('onClose', async () => {
    await core.stop();
  });
  return app as unknown as VaultApp;
}
