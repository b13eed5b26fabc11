import { type Broadcast, LocalBroadcast } from './broadcast';
import { NatsBroadcast } from './nats-broadcast';
import { PostgresBroadcast } from './postgres-broadcast';

export type { Broadcast } from './broadcast';
export { LocalBroadcast } from './broadcast';
export { NatsBroadcast } from './nats-broadcast';
export { PostgresBroadcast } from './postgres-broadcast';

/**
 * The best transport the deployment has: NATS when `NATS_URL` is set, else the PostgreSQL server every
 * process shares, else this process alone (the embedded database serves one process).
 */
export function createBroadcast(options: {
  natsUrl?: string | undefined;
  databaseUrl?: string | undefined;
  engine: 'pglite' | 'postgres';
  log: { warn(object: object, message: string): void };
}): Broadcast {
  if (options.natsUrl) return new NatsBroadcast(options.natsUrl, options.log);
  if (options.engine === 'postgres' && options.databaseUrl)
    return new PostgresBroadcast(options.databaseUrl, options.log);
  return new LocalBroadcast((error) =>
    options.log.warn({ err: { message: String(error) } }, 'broadcast handler failed'),
  );
}
