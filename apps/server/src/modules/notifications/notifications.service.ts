import { randomUUID } from 'node:crypto';
import type {
  Appointment,
  Patient,
  Practitioner,
  PractitionerRole,
  Resource,
  Schedule,
  ServiceRequest,
  Slot,
} from '@medplum/fhirtypes';
import { DateTime } from 'luxon';
import type { FhirServices } from '../../fhir';
import { claimDueDeliveries, type Database, type Queryable } from '../../platform/db';
import type { EmailSender, SmsSender } from './notifications.channels';
import { displayName, emailOf, languageOf, mobileOf } from './notifications.contacts';
import * as store from './notifications.store';
import {
  type Channel,
  DEFAULT_LANGUAGE,
  type NotificationKind,
  render,
  shippedTemplate,
  type Template,
} from './notifications.templates';

/** A domain event as the event bus hands it to subscribers (see modules/events). */
export interface NotificationEvent {
  id: string;
  type: string;
  aggregate: { type: string; id: string };
  data: Record<string, unknown>;
}

export interface NotificationsSettings {
  /** Hours before an appointment at which reminders go out (e.g. [24, 2]). */
  reminderHours: number[];
  /** Zone appointment times are written in when the event names none. */
  timeZone: string;
  /** Attempts before a message is given up as failed. */
  maxAttempts: number;
  /** First retry delay; each further one doubles, up to an hour. */
  retryBaseMs: number;
}

export interface NotificationsDeps {
  db: Database;
  fhir: FhirServices;
  email: EmailSender;
  sms: SmsSender;
  settings: NotificationsSettings;
  now: () => Date;
  /** The tenant's access alerts, newest first (the access module's list). */
  accessAlerts?: (tenantId: string) => Promise<AccessAlert[]>;
  warn?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface AccessAlert {
  id: string;
  kind: string;
  createdAt: string;
  subject: string;
  patientId: string | null;
}

const APPOINTMENT_KINDS: Record<string, NotificationKind> = {
  'appointment.booked': 'appointment-confirmation',
  'appointment.rescheduled': 'appointment-rescheduled',
  'appointment.cancelled': 'appointment-cancellation',
};

/** Where schedules keep their IANA time zone (the scheduling module writes it). */
const TIMEZONE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/timezone';

export const NOTIFICATION_EVENT_TYPES = [...Object.keys(APPOINTMENT_KINDS), 'result.critical'];

/** Back-off: base, 2×base, 4×base … capped at one hour. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** Turns domain events into messages, keeps their delivery state and sends what is due. */
export class NotificationsService {
  /** Access alerts already turned into messages by this process (the dedupe key guards the rest). */
  private readonly seenAlerts = new Set<string>();

  constructor(private readonly deps: NotificationsDeps) {}

  private get now(): Date {
    return this.deps.now();
  }

  /** The event bus subscriber: at least once per event, so every insert is idempotent by its dedupe key. */
  async handleEvent(event: NotificationEvent, tenantId: string): Promise<void> {
    const kind = APPOINTMENT_KINDS[event.type];
    if (kind) return this.onAppointment(event, tenantId, kind);
    if (event.type === 'result.critical') return this.onCriticalResult(event, tenantId);
  }

  private async readResource<T extends Resource>(
    tenantId: string,
    reference: string | undefined,
  ): Promise<T | undefined> {
    const [type, id] = (reference ?? '').split('/');
    if (!type || !id) return undefined;
    try {
      return (await this.deps.fhir.repository.read({ tenantId }, type, id)) as T;
    } catch {
      return undefined;
    }
  }

  private async template(
    db: Queryable,
    tenantId: string,
    kind: NotificationKind,
    channel: Channel,
    language: string,
  ): Promise<{ template: Template; language: string } | undefined> {
    for (const lang of language === DEFAULT_LANGUAGE ? [language] : [language, DEFAULT_LANGUAGE]) {
      const own = await store.readTemplate(db, tenantId, kind, channel, lang);
      if (own) return { template: own, language: lang };
      const shipped = shippedTemplate(kind, channel, lang);
      if (shipped) return { template: shipped, language: lang };
    }
    return undefined;
  }

  private async tenantName(tenantId: string): Promise<string> {
    const result = await this.deps.db.asOwner((owner) =>
      owner.query<{ name: string }>('SELECT name FROM tenant WHERE id = $1', [tenantId]),
    );
    return result.rows[0]?.name ?? '';
  }

  /** The schedule's IANA zone (Appointment.slot → Slot.schedule → Schedule's timezone extension), or the event's. */
  private async zoneOf(
    tenantId: string,
    appointment: Appointment,
    data: Record<string, unknown>,
  ): Promise<string | undefined> {
    const slot = await this.readResource<Slot>(tenantId, appointment.slot?.[0]?.reference);
    const schedule = await this.readResource<Schedule>(tenantId, slot?.schedule?.reference);
    const zone =
      schedule?.extension?.find((extension) => extension.url === TIMEZONE_EXTENSION)?.valueCode ??
      (typeof data.timeZone === 'string' ? data.timeZone : undefined);
    return zone && DateTime.now().setZone(zone).isValid ? zone : undefined;
  }

  private async onAppointment(event: NotificationEvent, tenantId: string, kind: NotificationKind): Promise<void> {
    const appointmentId = event.aggregate.id;
    const appointment = await this.readResource<Appointment>(tenantId, `Appointment/${appointmentId}`);
    if (!appointment?.start) return;
    const patientRef = appointment.participant
      ?.map((participant) => participant.actor?.reference)
      .find((reference) => reference?.startsWith('Patient/'));
    const patient = await this.readResource<Patient>(tenantId, patientRef);
    const about = `Appointment/${appointmentId}`;
    const zone = (await this.zoneOf(tenantId, appointment, event.data)) ?? this.deps.settings.timeZone;
    const now = this.now;
    // Everything read before the transaction: PGlite has one connection, so no other work may nest in it.
    const clinic = await this.tenantName(tenantId);
    await this.deps.db.transaction(tenantId, async (tx) => {
      // A move or a cancellation makes what is still unsent about the old time wrong: reminders, and a
      // confirmation or earlier notice that has not gone out yet.
      if (kind !== 'appointment-confirmation') {
        await store.cancelQueued(tx, tenantId, about, [
          'appointment-reminder',
          'appointment-confirmation',
          'appointment-rescheduled',
        ]);
      }
      if (!patient || !patientRef) return;
      const send = (messageKind: NotificationKind, dedupe: string, dueAt: Date) =>
        this.queueForPatient(tx, tenantId, {
          kind: messageKind,
          patient,
          patientRef,
          appointment,
          about,
          zone,
          clinic,
          dedupe,
          dueAt,
        });
      // Once per appointment (and per new time for a move), whichever event or source announced it: the
      // scheduling API and FHIR writes may both tell of one booking, and events arrive at least once.
      const once = kind === 'appointment-rescheduled' ? `${appointmentId}:${appointment.start}` : appointmentId;
      await send(kind, `${kind}:${once}`, now);
      if (kind === 'appointment-cancellation' || appointment.status === 'cancelled') return;
      const start = new Date(appointment.start!);
      for (const hours of this.deps.settings.reminderHours) {
        const due = new Date(start.getTime() - hours * 3_600_000);
        if (due.getTime() <= now.getTime()) continue;
        await send(
          'appointment-reminder',
          `appointment-reminder:${appointmentId}:${start.toISOString()}:${hours}h`,
          due,
        );
      }
    });
  }

  private async queueForPatient(
    tx: Queryable,
    tenantId: string,
    input: {
      kind: NotificationKind;
      patient: Patient;
      patientRef: string;
      appointment: Appointment;
      about: string;
      zone: string;
      clinic: string;
      dedupe: string;
      dueAt: Date;
    },
  ): Promise<void> {
    const now = this.now;
    const optedOut = await store.readPreferences(tx, tenantId, input.patientRef.slice('Patient/'.length));
    const language = languageOf(input.patient) ?? DEFAULT_LANGUAGE;
    const addresses: [Channel, string | undefined][] = [
      ['email', emailOf(input.patient.telecom, now)],
      ['sms', mobileOf(input.patient.telecom, now)],
    ];
    const { clinic } = input;
    for (const [channel, address] of addresses) {
      if (!address || optedOut[channel]) continue;
      const chosen = await this.template(tx, tenantId, input.kind, channel, language);
      if (!chosen) continue;
      const start = DateTime.fromISO(input.appointment.start!, { zone: 'utc' })
        .setZone(input.zone)
        .setLocale(chosen.language);
      const rendered = render(chosen.template, {
        patientName: displayName(input.patient),
        clinic,
        date: start.toLocaleString(DateTime.DATE_FULL),
        time: start.toLocaleString(DateTime.TIME_SIMPLE),
        appointment: input.appointment.id,
      });
      await store.insertNotification(tx, tenantId, {
        id: randomUUID(),
        kind: input.kind,
        channel,
        recipient: input.patientRef,
        address,
        language: chosen.language,
        subject: rendered.subject,
        body: rendered.text,
        html: channel === 'email' ? rendered.html : undefined,
        about: input.about,
        dedupeKey: `${input.dedupe}:${channel}`,
        status: 'queued',
        nextAttemptAt: input.dueAt.toISOString(),
        createdAt: now.toISOString(),
      });
    }
  }

  /** Who ordered it: `data.requester`, or the requester of the ServiceRequest the result is based on. */
  private async orderingClinicians(
    tenantId: string,
    result: Resource,
    data: Record<string, unknown>,
  ): Promise<string[]> {
    const found = new Set<string>();
    const add = async (reference: string | undefined) => {
      if (!reference) return;
      if (reference.startsWith('Practitioner/')) found.add(reference);
      else if (reference.startsWith('PractitionerRole/')) {
        const role = await this.readResource<PractitionerRole>(tenantId, reference);
        if (role?.practitioner?.reference?.startsWith('Practitioner/')) found.add(role.practitioner.reference);
      }
    };
    if (typeof data.requester === 'string') await add(data.requester);
    const basedOn = (result as { basedOn?: { reference?: string }[] }).basedOn ?? [];
    const orders = [
      ...basedOn.map((reference) => reference.reference),
      ...(typeof data.orderId === 'string' ? [`ServiceRequest/${data.orderId}`] : []),
    ];
    for (const reference of orders) {
      if (!reference?.startsWith('ServiceRequest/')) continue;
      const order = await this.readResource<ServiceRequest>(tenantId, reference);
      await add(order?.requester?.reference);
    }
    return [...found];
  }

  private async onCriticalResult(event: NotificationEvent, tenantId: string): Promise<void> {
    const reference = `${event.aggregate.type}/${event.aggregate.id}`;
    const result = await this.readResource<Resource>(tenantId, reference);
    if (!result) return;
    const clinicians = await this.orderingClinicians(tenantId, result, event.data);
    if (!clinicians.length) {
      this.deps.warn?.('critical result without an ordering clinician to notify', { resource: reference });
      return;
    }
    const patient = (result as { subject?: { reference?: string } }).subject?.reference;
    const now = this.now;
    const practitioners = new Map<string, Practitioner | undefined>();
    for (const clinician of clinicians)
      practitioners.set(clinician, await this.readResource<Practitioner>(tenantId, clinician));
    await this.deps.db.transaction(tenantId, async (tx) => {
      for (const [clinician, practitioner] of practitioners) {
        const language = practitioner ? (languageOf(practitioner) ?? DEFAULT_LANGUAGE) : DEFAULT_LANGUAGE;
        const channels: [Channel, string | undefined][] = [
          ['in-app', undefined],
          ['email', emailOf(practitioner?.telecom, now, true)],
        ];
        for (const [channel, address] of channels) {
          if (channel !== 'in-app' && !address) continue;
          const chosen = await this.template(tx, tenantId, 'critical-result', channel, language);
          if (!chosen) continue;
          const rendered = render(chosen.template, { resource: reference, patient });
          await store.insertNotification(tx, tenantId, {
            id: randomUUID(),
            kind: 'critical-result',
            channel,
            recipient: clinician,
            address,
            language: chosen.language,
            subject: rendered.subject,
            body: rendered.text,
            html: channel === 'email' ? rendered.html : undefined,
            about: reference,
            dedupeKey: `critical-result:${event.id}:${clinician}:${channel}`,
            status: channel === 'in-app' ? 'sent' : 'queued',
            nextAttemptAt: channel === 'in-app' ? undefined : now.toISOString(),
            sentAt: channel === 'in-app' ? now.toISOString() : undefined,
            createdAt: now.toISOString(),
          });
        }
      }
    });
  }

  /**
   * Break-the-glass alerts (raised by the access module) become an in-app message and an email to each
   * of the tenant's admins. Alerts older than a day are left alone (a first start does not mail the past).
   */
  async pollAccessAlerts(): Promise<number> {
    if (!this.deps.accessAlerts) return 0;
    const now = this.now;
    const tenants = await this.deps.db.asOwner((owner) => owner.query<{ id: string }>('SELECT id FROM tenant'));
    let queued = 0;
    for (const { id: tenantId } of tenants.rows) {
      const fresh = (await this.deps.accessAlerts(tenantId)).filter(
        (alert) =>
          alert.kind === 'break-the-glass' &&
          !this.seenAlerts.has(alert.id) &&
          now.getTime() - new Date(alert.createdAt).getTime() < 86_400_000,
      );
      if (!fresh.length) continue;
      const admins = await this.deps.db.asOwner((owner) => store.tenantAdmins(owner, tenantId));
      await this.deps.db.transaction(tenantId, async (tx) => {
        for (const alert of fresh) {
          for (const admin of admins) {
            for (const channel of ['in-app', 'email'] as const) {
              const chosen = await this.template(tx, tenantId, 'break-the-glass', channel, DEFAULT_LANGUAGE);
              if (!chosen) continue;
              const rendered = render(chosen.template, {
                user: alert.subject,
                patient: alert.patientId ? `Patient/${alert.patientId}` : '',
                time: alert.createdAt,
              });
              const inserted = await store.insertNotification(tx, tenantId, {
                id: randomUUID(),
                kind: 'break-the-glass',
                channel,
                recipient: `user/${admin.id}`,
                userId: admin.id,
                address: channel === 'email' ? admin.email : undefined,
                language: chosen.language,
                subject: rendered.subject,
                body: rendered.text,
                html: channel === 'email' ? rendered.html : undefined,
                about: alert.patientId ? `Patient/${alert.patientId}` : undefined,
                dedupeKey: `break-the-glass:${alert.id}:${admin.id}:${channel}`,
                status: channel === 'in-app' ? 'sent' : 'queued',
                nextAttemptAt: channel === 'in-app' ? undefined : now.toISOString(),
                sentAt: channel === 'in-app' ? now.toISOString() : undefined,
                createdAt: now.toISOString(),
              });
              if (inserted) queued += 1;
            }
          }
        }
      });
      // Only a day's alerts are looked at, so forgetting the oldest ids costs at most a redundant insert.
      if (this.seenAlerts.size > 10_000) this.seenAlerts.clear();
      for (const alert of fresh) this.seenAlerts.add(alert.id);
    }
    return queued;
  }

  /** Sends every queued message that is due at `now`; failures are retried with back-off. */
  async runDue(options: { now?: Date; limit?: number } = {}): Promise<{ sent: number; failed: number }> {
    const now = options.now ?? this.now;
    const claimed = await this.deps.db.asOwner((owner) =>
      claimDueDeliveries(owner, 'notification', now, 120_000, options.limit ?? 50),
    );
    let sent = 0;
    let failed = 0;
    for (const { tenantId, id } of claimed) {
      const row = await this.deps.db.withTenant(tenantId, (db) => store.readNotification(db, tenantId, id));
      if (row?.status !== 'queued' || !row.address) continue;
      try {
        if (row.channel === 'email') {
          await this.deps.email.send({
            to: row.address,
            subject: row.subject,
            text: row.body,
            html: row.html ?? undefined,
          });
        } else if (row.channel === 'sms') {
          await this.deps.sms.send({ to: row.address, body: row.body });
        }
        await this.deps.db.withTenant(tenantId, (db) => store.markSent(db, tenantId, id, now));
        sent += 1;
      } catch (error) {
        const attempts = row.attempts + 1;
        const { maxAttempts, retryBaseMs } = this.deps.settings;
        const retryAt =
          attempts >= maxAttempts ? undefined : new Date(now.getTime() + retryDelayMs(attempts, retryBaseMs));
        // The error's text (an SMTP reply, a status) only; never the message or its address.
        const reason = error instanceof Error ? error.message : String(error);
        await this.deps.db.withTenant(tenantId, (db) => store.markAttemptFailed(db, tenantId, id, reason, retryAt));
        failed += 1;
      }
    }
    return { sent, failed };
  }
}
