import { createHash, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Database } from '../../platform/db';
import type { SecretBox } from '../identity';
import * as store from './smart.store';

/**
 * The provider's keys: they sign ID tokens (RS256, the OpenID Connect default every client accepts, and
 * ES256). Access tokens are opaque and checked against the database, so no key is involved in them.
 * Meridian's own KeyRing (ES256 only, private to identity) is not reused: oidc-provider takes its JWKS
 * once at construction and needs an RSA key for interoperable ID tokens. Keys live in the database
 * (sealed with SECRETS_ENCRYPTION_KEY when set) so every server of a deployment signs alike; a new set
 * is made at boot after SIGNING_KEY_ROTATION_DAYS, and the previous set keeps verifying.
 */
export async function loadProviderKeys(
  db: Database,
  box: SecretBox,
  now: () => Date,
  rotationDays: number,
): Promise<{ jwks: { keys: JWK[] }; cookieKeys: string[] }> {
  let rows = await db.asOwner((q) => store.listSigningKeys(q));
  const newest = rows[0];
  if (!newest || now().getTime() - new Date(newest.created_at).getTime() > rotationDays * 86_400_000) {
    const at = now().toISOString();
    for (const alg of ['ES256', 'RS256'] as const) {
      const { privateKey } = await generateKeyPair(alg, { extractable: true });
      const kid = randomUUID();
      const jwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
      await db.asOwner((q) => store.insertSigningKey(q, kid, box.seal(JSON.stringify(jwk)), at));
    }
    rows = await db.asOwner((q) => store.listSigningKeys(q));
  }
  // The two newest sets: the newest signs (oidc-provider signs with the first key of an algorithm).
  const keys = rows.slice(0, 4).map((row) => JSON.parse(box.open(row.private_jwk)) as JWK);
  // Cookie keys derive from the private keys: secret, stable across restarts and shared by every server.
  const cookieKeys = keys
    .filter((key) => typeof key.d === 'string')
    .map((key) => createHash('sha256').update(`meridian-oauth-cookies:${key.d}`).digest('base64url'));
  return { jwks: { keys }, cookieKeys };
}
