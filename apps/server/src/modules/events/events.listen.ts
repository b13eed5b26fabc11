import pg from 'pg';
import { EVENTS_CHANNEL } from './events.store';

export interface Listener {
  close(): Promise<void>;
}

/**
 * PostgreSQL only: a connection of its own LISTENing on the events channel, so a commit in any process
 * wakes this one's dispatcher at once. If it drops, polling still finds the work.
 */
export async function listenForEvents(
  url: string,
  onTenant: (tenantId: string) => void,
  log: { warn: (object: object, message: string) => void },
): Promise<Listener> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', (error) => log.warn({ err: { message: error.message } }, 'event listener connection failed'));
  client.on('notification', (message) => {
    if (message.channel === EVENTS_CHANNEL && message.payload) onTenant(message.payload);
  });
  await client.connect();
  await client.query(`LISTEN ${EVENTS_CHANNEL}`);
  return {
    async close() {
      await client.end().catch(() => {});
    },
  };
}
