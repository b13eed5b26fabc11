import type { Queryable } from '../../platform/db';
import type { Channel, NotificationKind, Template } from './notifications.templates';

/** SQL of the notifications module: messages with their delivery state, templates, preferences. */

export type NotificationStatus = 'queued' | 'sent' | 'failed' | 'cancelled';

export interface NewNotification {
  id: string;
  kind: NotificationKind;
  channel: Channel;
  recipient: string;
  userId?: string | undefined;
  address?: string | undefined;
  language: string;
  subject: string;
  body: string;
  html?: string | undefined;
  about?: string | undefined;
  dedupeKey: string;
  status: NotificationStatus;
  nextAttemptAt?: string | undefined;
  createdAt: string;
  sentAt?: string | undefined;
}

export interface NotificationRow {
  id: string;
  tenantId: string;
  kind: string;
  channel: Channel;
  recipient: string;
  userId: string | null;
  address: string | null;
  language: string;
  subject: string;
  body: string;
  html: string | null;
  about: string | null;
  status: NotificationStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  readAt: string | null;
}

const COLUMNS = `tenant_id, id, kind, channel, recipient, user_id, address, language, subject, body, html, about,
  status, attempts, next_attempt_at, last_error, created_at, sent_at, read_at`;

const iso = (value: unknown): string | null => (value == null ? null : new Date(value as string).toISOString());

function rowOf(row: Record<string, unknown>): NotificationRow {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    kind: row.kind as string,
    channel: row.channel as Channel,
    recipient: row.recipient as string,
    userId: (row.user_id as string | null) ?? null,
    address: (row.address as string | null) ?? null,
    language: row.language as string,
    subject: row.subject as string,
    body: row.body as string,
    html: (row.html as string | null) ?? null,
    about: (row.about as string | null) ?? null,
    status: row.status as NotificationStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: iso(row.next_attempt_at),
    lastError: (row.last_error as string | null) ?? null,
    createdAt: iso(row.created_at)!,
    sentAt: iso(row.sent_at),
    readAt: iso(row.read_at),
  };
}

/** Inserts unless a notification with the same dedupe key exists (events arrive at least once). */
export async function insertNotification(db: Queryable, tenantId: string, n: NewNotification): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO notification (tenant_id, id, kind, channel, recipient, user_id, address, language, subject, body,
       html, about, dedupe_key, status, next_attempt_at, created_at, sent_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (tenant_id, dedupe_key) DO NOTHING`,
    [
      tenantId,
      n.id,
      n.kind,
      n.channel,
      n.recipient,
      n.userId ?? null,
      n.address ?? null,
      n.language,
      n.subject,
      n.body,
      n.html ?? null,
      n.about ?? null,
      n.dedupeKey,
      n.status,
      n.nextAttemptAt ?? null,
      n.createdAt,
      n.sentAt ?? null,
    ],
  );
  return result.rowCount > 0;
}

/** Cancels what is still waiting about one thing (a moved or cancelled appointment's reminders). */
export async function cancelQueued(db: Queryable, tenantId: string, about: string, kinds: string[]): Promise<number> {
  const result = await db.query(
    `UPDATE notification SET status = 'cancelled', next_attempt_at = NULL
     WHERE tenant_id = $1 AND about = $2 AND kind = ANY($3::text[]) AND status = 'queued'`,
    [tenantId, about, kinds],
  );
  return result.rowCount;
}

export async function readNotification(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<NotificationRow | undefined> {
  const result = await db.query(`SELECT ${COLUMNS} FROM notification WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return result.rows[0] ? rowOf(result.rows[0]) : undefined;
}

export async function markSent(db: Queryable, tenantId: string, id: string, at: Date): Promise<void> {
  await db.query(
    `UPDATE notification SET status = 'sent', attempts = attempts + 1, sent_at = $3, next_attempt_at = NULL,
       last_error = NULL WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, at.toISOString()],
  );
}

/** A failed attempt: retried at `retryAt`, or failed for good when that is undefined. */
export async function markAttemptFailed(
  db: Queryable,
  tenantId: string,
  id: string,
  error: string,
  retryAt: Date | undefined,
): Promise<void> {
  await db.query(
    `UPDATE notification SET attempts = attempts + 1, last_error = $3, next_attempt_at = $4,
       status = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'queued' END
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, error.slice(0, 500), retryAt?.toISOString() ?? null],
  );
}

export interface InboxQuery {
  recipients: string[];
  userId: string | undefined;
  unreadOnly: boolean;
  limit: number;
  before?: string | undefined;
}

export async function listInbox(db: Queryable, tenantId: string, query: InboxQuery): Promise<NotificationRow[]> {
  const result = await db.query(
    `SELECT ${COLUMNS} FROM notification
     WHERE tenant_id = $1 AND channel = 'in-app' AND status = 'sent'
       AND (recipient = ANY($2::text[]) OR user_id = $3::uuid)
       AND ($4::boolean = false OR read_at IS NULL)
       AND ($5::timestamptz IS NULL OR created_at < $5::timestamptz)
     ORDER BY created_at DESC, id LIMIT $6`,
    [tenantId, query.recipients, query.userId ?? null, query.unreadOnly, query.before ?? null, query.limit],
  );
  return result.rows.map(rowOf);
}

export async function markRead(
  db: Queryable,
  tenantId: string,
  id: string,
  recipients: string[],
  userId: string | undefined,
  at: Date,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE notification SET read_at = COALESCE(read_at, $5)
     WHERE tenant_id = $1 AND id = $2 AND channel = 'in-app' AND (recipient = ANY($3::text[]) OR user_id = $4::uuid)`,
    [tenantId, id, recipients, userId ?? null, at.toISOString()],
  );
  return result.rowCount > 0;
}

export interface DeliveryQuery {
  about?: string | undefined;
  status?: NotificationStatus | undefined;
  limit: number;
}

/** The delivery log for admins: state and attempts, not the content. */
export async function listDeliveries(
  db: Queryable,
  tenantId: string,
  query: DeliveryQuery,
): Promise<NotificationRow[]> {
  const result = await db.query(
    `SELECT ${COLUMNS} FROM notification
     WHERE tenant_id = $1 AND ($2::text IS NULL OR about = $2) AND ($3::text IS NULL OR status = $3)
     ORDER BY created_at DESC, id LIMIT $4`,
    [tenantId, query.about ?? null, query.status ?? null, query.limit],
  );
  return result.rows.map(rowOf);
}

export async function readTemplate(
  db: Queryable,
  tenantId: string,
  kind: string,
  channel: Channel,
  language: string,
): Promise<Template | undefined> {
  const result = await db.query<{ subject: string; body: string }>(
    `SELECT subject, body FROM notification_template
     WHERE tenant_id = $1 AND kind = $2 AND channel = $3 AND language = $4`,
    [tenantId, kind, channel, language],
  );
  return result.rows[0];
}

export interface TemplateRow extends Template {
  kind: string;
  channel: Channel;
  language: string;
  updatedAt: string;
}

export async function listTemplates(db: Queryable, tenantId: string): Promise<TemplateRow[]> {
  const result = await db.query(
    `SELECT kind, channel, language, subject, body, updated_at FROM notification_template
     WHERE tenant_id = $1 ORDER BY kind, channel, language`,
    [tenantId],
  );
  return result.rows.map((row) => ({
    kind: row.kind as string,
    channel: row.channel as Channel,
    language: row.language as string,
    subject: row.subject as string,
    body: row.body as string,
    updatedAt: iso(row.updated_at)!,
  }));
}

export async function upsertTemplate(
  db: Queryable,
  tenantId: string,
  row: Omit<TemplateRow, 'updatedAt'>,
  at: Date,
  by: string,
): Promise<void> {
  await db.query(
    `INSERT INTO notification_template (tenant_id, kind, channel, language, subject, body, updated_at, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (tenant_id, kind, channel, language)
     DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body, updated_at = EXCLUDED.updated_at,
       updated_by = EXCLUDED.updated_by`,
    [tenantId, row.kind, row.channel, row.language, row.subject, row.body, at.toISOString(), by],
  );
}

export async function deleteTemplate(
  db: Queryable,
  tenantId: string,
  kind: string,
  channel: Channel,
  language: string,
): Promise<boolean> {
  const result = await db.query(
    'DELETE FROM notification_template WHERE tenant_id = $1 AND kind = $2 AND channel = $3 AND language = $4',
    [tenantId, kind, channel, language],
  );
  return result.rowCount > 0;
}

export async function readPreferences(
  db: Queryable,
  tenantId: string,
  patientId: string,
): Promise<Partial<Record<Channel, boolean>>> {
  const result = await db.query<{ channel: Channel; opted_out: boolean }>(
    'SELECT channel, opted_out FROM notification_preference WHERE tenant_id = $1 AND patient_id = $2',
    [tenantId, patientId],
  );
  return Object.fromEntries(result.rows.map((row) => [row.channel, row.opted_out]));
}

export async function writePreference(
  db: Queryable,
  tenantId: string,
  patientId: string,
  channel: Channel,
  optedOut: boolean,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO notification_preference (tenant_id, patient_id, channel, opted_out, updated_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant_id, patient_id, channel) DO UPDATE SET opted_out = EXCLUDED.opted_out,
       updated_at = EXCLUDED.updated_at`,
    [tenantId, patientId, channel, optedOut, at.toISOString()],
  );
}

/** The tenant's admins with the address they sign in with (identity's tables, read as the schema owner). */
export async function tenantAdmins(owner: Queryable, tenantId: string): Promise<{ id: string; email: string }[]> {
  const result = await owner.query<{ id: string; email: string }>(
    `SELECT DISTINCT u.id, u.email FROM membership m JOIN app_user u ON u.id = m.user_id
     WHERE m.tenant_id = $1 AND m.role = 'tenant_admin' AND NOT u.disabled ORDER BY u.id`,
    [tenantId],
  );
  return result.rows;
}

/** The FHIR resources a member is in this tenant (membership.fhir_user), to address in-app messages. */
export async function memberFhirUsers(db: Queryable, tenantId: string, userId: string | undefined): Promise<string[]> {
  if (!userId) return [];
  const result = await db.query<{ fhir_user: string }>(
    `SELECT DISTINCT fhir_user FROM membership WHERE tenant_id = $1 AND user_id = $2::uuid AND fhir_user IS NOT NULL`,
    [tenantId, userId],
  );
  return result.rows.map((row) => row.fhir_user);
}
