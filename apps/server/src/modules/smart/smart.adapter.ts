import type { Database } from '../../platform/db';
import * as store from './smart.store';

/** What oidc-provider stores: JSON objects, with a few well-known keys. */
type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: unknown;
};

/** How registered apps become oidc-provider client metadata (the `Client` model reads through this). */
export type ClientLoader = (clientId: string) => Promise<Record<string, unknown> | undefined>;

/**
 * oidc-provider's storage on Meridian's database: one row per entity in `oauth_entity` (platform-wide,
 * as the schema owner), except clients, which are the apps tenant admins registered (`smart_client`).
 * Expired rows are never returned and are purged now and then.
 */
export function createAdapterFactory(db: Database, loadClient: ClientLoader, now: () => Date) {
  let writes = 0;
  return class MeridianOAuthAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      if (this.model === 'Client') throw new Error('Clients are registered through /smart/clients');
      const expiresAt = expiresIn ? new Date(now().getTime() + expiresIn * 1000).toISOString() : undefined;
      await db.asOwner(async (q) => {
        await store.upsertEntity(q, {
          model: this.model,
          id,
          payload: JSON.stringify(payload),
          grantId: payload.grantId,
          uid: payload.uid,
          userCode: payload.userCode,
          expiresAt,
        });
        writes += 1;
        if (writes % 500 === 0) await store.purgeExpiredEntities(q, now().toISOString());
      });
    }

    async find(id: string): Promise<Payload | undefined> {
      if (this.model === 'Client') return loadClient(id);
      const row = await db.asOwner((q) => store.findEntity(q, this.model, id));
      return this.fromRow(row);
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return this.fromRow(await db.asOwner((q) => store.findEntityBy(q, this.model, 'uid', uid)));
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return this.fromRow(await db.asOwner((q) => store.findEntityBy(q, this.model, 'user_code', userCode)));
    }

    async consume(id: string): Promise<void> {
      await db.asOwner((q) => store.consumeEntity(q, this.model, id, now().toISOString()));
    }

    async destroy(id: string): Promise<void> {
      await db.asOwner((q) => store.destroyEntity(q, this.model, id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.asOwner((q) => store.destroyGrant(q, grantId));
    }

    private fromRow(row: store.EntityRow | undefined): Payload | undefined {
      if (!row) return undefined;
      if (row.expires_at && new Date(row.expires_at) <= now()) return undefined;
      const payload = JSON.parse(row.payload) as Payload;
      if (row.consumed_at) payload.consumed = Math.floor(new Date(row.consumed_at).getTime() / 1000);
      return payload;
    }
  };
}
