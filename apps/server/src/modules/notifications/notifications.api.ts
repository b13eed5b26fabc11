import type { FhirContext, FhirServices } from '../../fhir';
import type { Database, Queryable } from '../../platform/db';
import type { Principal } from '../identity';
import { notificationsErrors } from './notifications.errors';
import * as store from './notifications.store';
import {
  CHANNELS,
  type Channel,
  DEFAULT_TEMPLATES,
  type NotificationKind,
  PLACEHOLDERS,
  placeholdersOf,
} from './notifications.templates';

/** Who an in-app message may be addressed to for this caller: their account and the FHIR resources they are. */
async function recipientsOf(db: Queryable, principal: Principal): Promise<string[]> {
  const fhirUsers = await store.memberFhirUsers(db, principal.tenantId, principal.userId);
  return [
    ...(principal.userId ? [`user/${principal.userId}`] : []),
    ...(principal.fhirUser ? [principal.fhirUser] : []),
    ...fhirUsers,
  ];
}

const PREFERENCE_EDITORS = ['front_desk', 'nurse', 'physician', 'tenant_admin', 'super_admin'];

/** What the module's routes do: the caller's inbox, the delivery log, templates, patients' preferences. */
export class NotificationsApi {
  constructor(private readonly deps: { db: Database; fhir: FhirServices; now: () => Date }) {}

  async inbox(principal: Principal, query: { unreadOnly: boolean; limit: number; before?: string | undefined }) {
    const { tenantId } = principal;
    const rows = await this.deps.db.withTenant(tenantId, async (db) =>
      store.listInbox(db, tenantId, {
        recipients: await recipientsOf(db, principal),
        userId: principal.userId,
        ...query,
      }),
    );
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      subject: row.subject,
      body: row.body,
      about: row.about,
      createdAt: row.createdAt,
      readAt: row.readAt,
    }));
  }

  async markRead(principal: Principal, id: string): Promise<void> {
    const { tenantId } = principal;
    const done = await this.deps.db.withTenant(tenantId, async (db) =>
      store.markRead(db, tenantId, id, await recipientsOf(db, principal), principal.userId, this.deps.now()),
    );
    if (!done) throw notificationsErrors.notFound(`Notification ${id}`);
  }

  /** State, attempts and errors; not the content or the address. */
  async deliveries(tenantId: string, query: store.DeliveryQuery) {
    const rows = await this.deps.db.withTenant(tenantId, (db) => store.listDeliveries(db, tenantId, query));
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      channel: row.channel,
      recipient: row.recipient,
      about: row.about,
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: row.nextAttemptAt,
      lastError: row.lastError,
      createdAt: row.createdAt,
      sentAt: row.sentAt,
    }));
  }

  async templates(tenantId: string) {
    const overrides = await this.deps.db.withTenant(tenantId, (db) => store.listTemplates(db, tenantId));
    const defaults = Object.entries(DEFAULT_TEMPLATES).flatMap(([language, kinds]) =>
      Object.entries(kinds).flatMap(([kind, channels]) =>
        Object.entries(channels ?? {}).map(([channel, template]) => ({ kind, channel, language, ...template })),
      ),
    );
    return { defaults, overrides, placeholders: PLACEHOLDERS };
  }

  async putTemplate(
    principal: Principal,
    key: { kind: NotificationKind; channel: Channel; language: string },
    template: { subject: string; body: string },
  ): Promise<void> {
    for (const field of ['subject', 'body'] as const) {
      const unknown = placeholdersOf(template[field]).filter((name) => !PLACEHOLDERS[key.kind].includes(name));
      if (unknown.length) {
        throw notificationsErrors.templateInvalid(
          field,
          `{{${unknown[0]}}} is not a placeholder of ${key.kind} (${PLACEHOLDERS[key.kind].join(', ')})`,
        );
      }
    }
    const { tenantId } = principal;
    await this.deps.db.withTenant(tenantId, (db) =>
      store.upsertTemplate(db, tenantId, { ...key, ...template }, this.deps.now(), principal.subject),
    );
  }

  async deleteTemplate(tenantId: string, key: { kind: NotificationKind; channel: Channel; language: string }) {
    const done = await this.deps.db.withTenant(tenantId, (db) =>
      store.deleteTemplate(db, tenantId, key.kind, key.channel, key.language),
    );
    if (!done) throw notificationsErrors.notFound(`Template ${key.kind}/${key.channel}/${key.language}`);
  }

  /** The patient must be readable by the caller (their FHIR access decides; 404 otherwise). */
  private async checkPatient(ctx: FhirContext, patientId: string): Promise<void> {
    await this.deps.fhir.repository.read(ctx, 'Patient', patientId);
  }

  async preferences(ctx: FhirContext, patientId: string): Promise<Record<Channel, boolean>> {
    await this.checkPatient(ctx, patientId);
    const optedOut = await this.deps.db.withTenant(ctx.tenantId, (db) =>
      store.readPreferences(db, ctx.tenantId, patientId),
    );
    return Object.fromEntries(CHANNELS.map((channel) => [channel, !optedOut[channel]])) as Record<Channel, boolean>;
  }

  /** `true` allows a channel, `false` opts the patient out of it. The patient themselves or staff. */
  async setPreferences(
    ctx: FhirContext,
    principal: Principal | undefined,
    patientId: string,
    allowed: Partial<Record<Channel, boolean>>,
  ): Promise<Record<Channel, boolean>> {
    const self = principal?.fhirUser === `Patient/${patientId}`;
    if (principal && !self && !principal.roles.some((role) => PREFERENCE_EDITORS.includes(role))) {
      throw notificationsErrors.forbidden('Only the patient or the clinic’s staff change notification preferences');
    }
    await this.checkPatient(ctx, patientId);
    const now = this.deps.now();
    await this.deps.db.transaction(ctx.tenantId, async (tx) => {
      for (const [channel, allow] of Object.entries(allowed) as [Channel, boolean][]) {
        await store.writePreference(tx, ctx.tenantId, patientId, channel, !allow, now);
      }
    });
    return this.preferences(ctx, patientId);
  }
}
