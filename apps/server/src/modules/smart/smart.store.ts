import type { Queryable } from '../../platform/db';

/**
 * SMART's SQL. The provider's entities, registered apps and ID-token keys are platform rows, read as the
 * schema owner (the token endpoint meets a client before its tenant is known); launches and launch
 * contexts are tenant rows behind row-level security.
 */

// --- oidc-provider entities ---

export interface EntityRow {
  payload: string;
  expires_at: string | null;
  consumed_at: string | null;
}

export async function upsertEntity(
  db: Queryable,
  entity: {
    model: string;
    id: string;
    payload: string;
    grantId?: string | undefined;
    uid?: string | undefined;
    userCode?: string | undefined;
    expiresAt?: string | undefined;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO oauth_entity (model, id, payload, grant_id, uid, user_code, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
       uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
    [
      entity.model,
      entity.id,
      entity.payload,
      entity.grantId ?? null,
      entity.uid ?? null,
      entity.userCode ?? null,
      entity.expiresAt ?? null,
    ],
  );
}

const ENTITY_COLUMNS = 'payload, expires_at, consumed_at';

export async function findEntity(db: Queryable, model: string, id: string): Promise<EntityRow | undefined> {
  const result = await db.query<EntityRow>(`SELECT ${ENTITY_COLUMNS} FROM oauth_entity WHERE model = $1 AND id = $2`, [
    model,
    id,
  ]);
  return result.rows[0];
}

export async function findEntityBy(
  db: Queryable,
  model: string,
  column: 'uid' | 'user_code',
  value: string,
): Promise<EntityRow | undefined> {
  const sql =
    column === 'uid'
      ? `SELECT ${ENTITY_COLUMNS} FROM oauth_entity WHERE model = $1 AND uid = $2`
      : `SELECT ${ENTITY_COLUMNS} FROM oauth_entity WHERE model = $1 AND user_code = $2`;
  const result = await db.query<EntityRow>(sql, [model, value]);
  return result.rows[0];
}

export async function consumeEntity(db: Queryable, model: string, id: string, at: string): Promise<void> {
  await db.query('UPDATE oauth_entity SET consumed_at = $3 WHERE model = $1 AND id = $2', [model, id, at]);
}

export async function destroyEntity(db: Queryable, model: string, id: string): Promise<void> {
  await db.query('DELETE FROM oauth_entity WHERE model = $1 AND id = $2', [model, id]);
}

export async function destroyGrant(db: Queryable, grantId: string): Promise<void> {
  await db.query('DELETE FROM oauth_entity WHERE grant_id = $1', [grantId]);
}

export async function purgeExpiredEntities(db: Queryable, now: string): Promise<void> {
  await db.query('DELETE FROM oauth_entity WHERE expires_at < $1', [now]);
}

// --- Registered apps ---

export interface SmartClientRow {
  client_id: string;
  tenant_id: string;
  name: string;
  metadata: string;
  role: string;
  created_by: string | null;
  created_at: string;
  revoked_at: string | null;
}

const CLIENT_COLUMNS = 'client_id, tenant_id, name, metadata, role, created_by, created_at, revoked_at';

export async function insertClient(
  db: Queryable,
  client: Omit<SmartClientRow, 'created_at' | 'revoked_at'> & { created_at: string },
): Promise<void> {
  await db.query(
    `INSERT INTO smart_client (client_id, tenant_id, name, metadata, role, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      client.client_id,
      client.tenant_id,
      client.name,
      client.metadata,
      client.role,
      client.created_by,
      client.created_at,
    ],
  );
}

export async function findClient(db: Queryable, clientId: string): Promise<SmartClientRow | undefined> {
  const result = await db.query<SmartClientRow>(`SELECT ${CLIENT_COLUMNS} FROM smart_client WHERE client_id = $1`, [
    clientId,
  ]);
  return result.rows[0];
}

export async function listClients(db: Queryable, tenantId: string): Promise<SmartClientRow[]> {
  const result = await db.query<SmartClientRow>(
    `SELECT ${CLIENT_COLUMNS} FROM smart_client WHERE tenant_id = $1 AND revoked_at IS NULL ORDER BY created_at`,
    [tenantId],
  );
  return result.rows;
}

export async function revokeClient(db: Queryable, tenantId: string, clientId: string, at: string): Promise<boolean> {
  const result = await db.query(
    'UPDATE smart_client SET revoked_at = $3 WHERE tenant_id = $1 AND client_id = $2 AND revoked_at IS NULL',
    [tenantId, clientId, at],
  );
  return result.rowCount === 1;
}

/** Ends every grant of a client: its tokens stop working at once. */
export async function destroyClientEntities(db: Queryable, clientId: string): Promise<void> {
  await db.query(
    `DELETE FROM oauth_entity WHERE model IN ('AccessToken', 'RefreshToken', 'ClientCredentials', 'AuthorizationCode', 'Grant')
     AND payload::jsonb ->> 'clientId' = $1`,
    [clientId],
  );
}

/**
 * Ends everything the provider holds for a user through one tenant's apps: grants, access and refresh
 * tokens, codes, pending authorizations, and the provider sessions used only for that tenant's apps.
 * An entity is the tenant's only when the app it was issued to is (and, for an access token, when the
 * tenant it carries agrees), so the same person's grants in another tenant stay. Reads every entity's
 * JSON: fine for a rare admin action. Answers how many entities ended.
 */
export async function destroyAccountEntities(db: Queryable, tenantId: string, userId: string): Promise<number> {
  const tokens = await db.query(
    `DELETE FROM oauth_entity
     WHERE model IN ('Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode', 'DeviceCode', 'BackchannelAuthenticationRequest')
       AND payload::jsonb ->> 'accountId' = $2
       AND payload::jsonb ->> 'clientId' IN (SELECT client_id FROM smart_client WHERE tenant_id = $1)
       AND coalesce(payload::jsonb -> 'extra' ->> 'tenant', $3) = $3`,
    [tenantId, userId, tenantId],
  );
  const interactions = await db.query(
    `DELETE FROM oauth_entity
     WHERE model = 'Interaction'
       AND payload::jsonb -> 'session' ->> 'accountId' = $2
       AND payload::jsonb -> 'params' ->> 'client_id' IN (SELECT client_id FROM smart_client WHERE tenant_id = $1)`,
    [tenantId, userId],
  );
  // A provider session belongs to the person, not a tenant: it ends when every app it was used for is
  // this tenant's; one used for another tenant's apps too is kept (it grants nothing by itself).
  const apps = `CASE WHEN jsonb_typeof(s.payload::jsonb -> 'authorizations') = 'object'
    THEN s.payload::jsonb -> 'authorizations' ELSE '{}'::jsonb END`;
  const sessions = await db.query(
    `DELETE FROM oauth_entity s
     WHERE s.model = 'Session'
       AND s.payload::jsonb ->> 'accountId' = $2
       AND EXISTS (SELECT 1 FROM jsonb_object_keys(${apps}) AS app(client_id)
                   WHERE app.client_id IN (SELECT client_id FROM smart_client WHERE tenant_id = $1))
       AND NOT EXISTS (SELECT 1 FROM jsonb_object_keys(${apps}) AS app(client_id)
                       WHERE app.client_id NOT IN (SELECT client_id FROM smart_client WHERE tenant_id = $1))`,
    [tenantId, userId],
  );
  return tokens.rowCount + interactions.rowCount + sessions.rowCount;
}

// --- ID-token keys ---

export async function listSigningKeys(
  db: Queryable,
): Promise<{ kid: string; private_jwk: string; created_at: string }[]> {
  const result = await db.query<{ kid: string; private_jwk: string; created_at: string }>(
    'SELECT kid, private_jwk, created_at FROM oauth_signing_key ORDER BY created_at DESC',
  );
  return result.rows;
}

export async function insertSigningKey(db: Queryable, kid: string, privateJwk: string, at: string): Promise<void> {
  await db.query('INSERT INTO oauth_signing_key (kid, private_jwk, created_at) VALUES ($1, $2, $3)', [
    kid,
    privateJwk,
    at,
  ]);
}

// --- Tenant rows: launches and launch context ---

export interface LaunchRow {
  id: string;
  client_id: string;
  user_id: string | null;
  patient: string | null;
  encounter: string | null;
  expires_at: string;
}

export async function insertLaunch(
  db: Queryable,
  tenantId: string,
  launch: LaunchRow & { created_at: string },
): Promise<void> {
  await db.query(
    `INSERT INTO smart_launch (tenant_id, id, client_id, user_id, patient, encounter, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      tenantId,
      launch.id,
      launch.client_id,
      launch.user_id,
      launch.patient,
      launch.encounter,
      launch.created_at,
      launch.expires_at,
    ],
  );
}

export async function findLaunch(db: Queryable, tenantId: string, id: string): Promise<LaunchRow | undefined> {
  const result = await db.query<LaunchRow>(
    `SELECT id, client_id, user_id, patient, encounter, expires_at FROM smart_launch WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id],
  );
  return result.rows[0];
}

export interface GrantContextRow {
  grant_id: string;
  user_id: string | null;
  patient: string | null;
  encounter: string | null;
  fhir_user: string | null;
  roles: string[] | null;
}

export async function upsertGrantContext(
  db: Queryable,
  tenantId: string,
  context: GrantContextRow & { created_at: string },
): Promise<void> {
  await db.query(
    `INSERT INTO smart_grant_context (tenant_id, grant_id, user_id, patient, encounter, fhir_user, roles, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (tenant_id, grant_id) DO UPDATE SET user_id = EXCLUDED.user_id, patient = EXCLUDED.patient,
       encounter = EXCLUDED.encounter, fhir_user = EXCLUDED.fhir_user, roles = EXCLUDED.roles`,
    [
      tenantId,
      context.grant_id,
      context.user_id,
      context.patient,
      context.encounter,
      context.fhir_user,
      context.roles,
      context.created_at,
    ],
  );
}

export async function findGrantContext(
  db: Queryable,
  tenantId: string,
  grantId: string,
): Promise<GrantContextRow | undefined> {
  const result = await db.query<GrantContextRow>(
    `SELECT grant_id, user_id, patient, encounter, fhir_user, roles FROM smart_grant_context
     WHERE tenant_id = $1 AND grant_id = $2`,
    [tenantId, grantId],
  );
  return result.rows[0];
}

/**
 * A user's roles in a tenant and, when memberships record it, the FHIR resource they are. Reads
 * identity's membership table (selecting every column, so it works before and after `fhir_user` exists).
 */
export async function membershipOf(
  db: Queryable,
  tenantId: string,
  userId: string,
): Promise<{ roles: string[]; fhirUser: string | undefined; disabled: boolean; displayName: string } | undefined> {
  const result = await db.query<Record<string, unknown>>(
    `SELECT m.*, u.disabled AS user_disabled, u.display_name AS user_display_name FROM membership m JOIN app_user u ON u.id = m.user_id
     WHERE m.tenant_id = $1 AND m.user_id = $2`,
    [tenantId, userId],
  );
  if (!result.rows.length) return undefined;
  const fhirUser = result.rows.map((row) => row.fhir_user).find((value) => typeof value === 'string') as
    | string
    | undefined;
  return {
    roles: result.rows.map((row) => String(row.role)),
    fhirUser,
    disabled: result.rows.some((row) => row.user_disabled === true),
    displayName: String(result.rows[0]!.user_display_name),
  };
}

export async function findUserIdByEmail(db: Queryable, email: string): Promise<string | undefined> {
  const result = await db.query<{ id: string }>('SELECT id FROM app_user WHERE lower(email) = lower($1)', [email]);
  return result.rows[0]?.id;
}
