import { buildApp } from './app';
import { ConfigError, loadConfig } from './config';
import { openMigratedDatabase } from './platform/db';
import { removeServerLink, writeServerLink } from './platform/local-admin';

/** Starts Meridian: parse config, open and migrate the database, listen, and shut down gracefully. */
export async function startServer(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const db = await openMigratedDatabase(config);
  const { app, localAdminToken } = await buildApp(config, { db });
  let link: ReturnType<typeof writeServerLink> | undefined;

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      app.log.warn('shutdown timed out; closing anyway');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    try {
      if (link) removeServerLink(config, link);
      await app.close();
      await db.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const address = await app.listen({ host: config.host, port: config.port });
  const port = Number(new URL(address).port);
  link = writeServerLink(config, `http://127.0.0.1:${port}`, localAdminToken);
  app.log.info({ database: db.engine, port }, 'Meridian is ready');
}
