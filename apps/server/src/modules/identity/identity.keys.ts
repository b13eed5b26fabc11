import { randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Database } from '../../platform/db';
import type { SecretBox } from './identity.crypto';

const ALG = 'ES256';
const MAX_VERIFIED = 20_000;

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  verifyKey: CryptoKey;
  signKey?: CryptoKey;
  createdAt: Date;
  verifyUntil: Date | undefined;
}

export interface KeyRingOptions {
  db: Database;
  box: SecretBox;
  now: () => Date;
  rotationDays: number;
  /** Longest access-token lifetime: a retired key keeps verifying this long. */
  tokenTtlSeconds: number;
  issuer: string;
}

/**
 * The keys that sign access tokens. One key signs; retired keys keep verifying until every token they
 * signed has expired. Keys live in the database (owner-only, sealed when a key is configured) so every
 * server of a deployment signs and verifies alike; a token with an unknown kid makes a server reload.
 */
export class KeyRing {
  private keys = new Map<string, LoadedKey>();
  private active: LoadedKey | undefined;
  private lastReload = 0;
  /** Tokens whose signature was checked, until they (or their key) expire. */
  private readonly verified = new Map<string, { payload: JWTPayload; until: number }>();

  constructor(private readonly options: KeyRingOptions) {}

  /** Loads the keys and makes a new signing key when there is none or it is past its rotation age. */
  async start(): Promise<void> {
    await this.load();
    const maxAgeMs = this.options.rotationDays * 86_400_000;
    if (!this.active || this.options.now().getTime() - this.active.createdAt.getTime() > maxAgeMs) {
      await this.rotate();
    }
  }

  /** Retires the signing key (it still verifies until its tokens expire) and starts signing with a new one. */
  async rotate(): Promise<string> {
    const now = this.options.now();
    const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG };
    const verifyUntil = new Date(now.getTime() + this.options.tokenTtlSeconds * 1000 + 60_000);
    await this.options.db.asOwner(async (db) => {
      await db.query('UPDATE signing_key SET retired_at = $1, verify_until = $2 WHERE retired_at IS NULL', [
        now.toISOString(),
        verifyUntil.toISOString(),
      ]);
      await db.query(
        'INSERT INTO signing_key (kid, alg, public_jwk, private_jwk, created_at) VALUES ($1, $2, $3, $4, $5)',
        [kid, ALG, JSON.stringify(publicJwk), this.options.box.seal(JSON.stringify(privateJwk)), now.toISOString()],
      );
    });
    await this.load();
    return kid;
  }

  private async load(): Promise<void> {
    const rows = await this.options.db.asOwner((db) =>
      db.query<{
        kid: string;
        public_jwk: string;
        private_jwk: string;
        created_at: string;
        retired_at: string | null;
        verify_until: string | null;
      }>(
        `SELECT kid, public_jwk, private_jwk, created_at, retired_at, verify_until FROM signing_key
         WHERE verify_until IS NULL OR verify_until > $1 ORDER BY created_at`,
        [this.options.now().toISOString()],
      ),
    );
    const keys = new Map<string, LoadedKey>();
    let active: LoadedKey | undefined;
    for (const row of rows.rows) {
      const publicJwk = JSON.parse(row.public_jwk) as JWK;
      const loaded: LoadedKey = {
        kid: row.kid,
        publicJwk,
        verifyKey: (await importJWK(publicJwk, ALG)) as CryptoKey,
        createdAt: new Date(row.created_at),
        verifyUntil: row.verify_until ? new Date(row.verify_until) : undefined,
      };
      if (!row.retired_at) {
        loaded.signKey = (await importJWK(JSON.parse(this.options.box.open(row.private_jwk)) as JWK, ALG)) as CryptoKey;
        active = loaded;
      }
      keys.set(row.kid, loaded);
    }
    this.keys = keys;
    this.active = active;
    this.lastReload = Date.now();
  }

  async sign(claims: JWTPayload, expiresInSeconds: number): Promise<string> {
    const key = this.active;
    if (!key?.signKey) throw new Error('No signing key: KeyRing.start() was not called');
    const now = Math.floor(this.options.now().getTime() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.options.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + expiresInSeconds)
      .setJti(randomUUID())
      .sign(key.signKey);
  }

  /** Verifies signature, issuer and expiry against the controllable clock; throws on any failure. */
  /**
   * Verifies a token: its signature by one of our keys, issuer, type and expiry. A signature checked once
   * is remembered until the token (or its key) expires, so a busy caller's every request does not pay for
   * ES256 again; expiry is still checked against the clock each time, and revocation is the session's
   * business (checked by the caller on every request).
   */
  async verify(token: string): Promise<JWTPayload> {
    const now = this.options.now();
    const known = this.verified.get(token);
    if (known && known.until > now.getTime()) return known.payload;
    if (known) this.verified.delete(token);
    const payload = await this.verifySignature(token);
    const key = this.keys.get(decodeProtectedHeader(token).kid as string);
    const until = Math.min((payload.exp ?? 0) * 1000, key?.verifyUntil?.getTime() ?? Number.POSITIVE_INFINITY);
    if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
    this.verified.set(token, { payload, until });
    return payload;
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    const { kid } = decodeProtectedHeader(token);
    if (typeof kid !== 'string') throw new Error('the token names no key');
    let key = this.keys.get(kid);
    if (!key && Date.now() - this.lastReload > 5_000) {
      await this.load();
      key = this.keys.get(kid);
    }
    const now = this.options.now();
    if (!key || (key.verifyUntil && key.verifyUntil <= now)) throw new Error('the token was signed by an unknown key');
    const { payload } = await jwtVerify(token, key.verifyKey, {
      issuer: this.options.issuer,
      algorithms: [ALG],
      currentDate: now,
      typ: 'at+jwt',
    });
    return payload;
  }

  /** The public keys, as published at /.well-known/jwks.json. */
  jwks(): { keys: JWK[] } {
    const now = this.options.now();
    return {
      keys: [...this.keys.values()]
        .filter((key) => !key.verifyUntil || key.verifyUntil > now)
        .map((key) => key.publicJwk),
    };
  }
}
