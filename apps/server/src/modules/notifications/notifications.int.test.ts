import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Appointment, Patient } from '@medplum/fhirtypes';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, fhirClient, newTenantId, type TestApp } from '../../../test/test-app';
import { member } from '../access/access-fixtures.int-helpers';

interface Mail {
  to: string[];
  raw: string;
}

let app: TestApp;
let smtp: SMTPServer;
const mailbox: Mail[] = [];
let refuseNext = 0;
let current = new Date('2026-11-24T09:00:00.000Z');
const dataDir = mkdtempSync(join(tmpdir(), 'meridian-notify-'));

beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8');
      });
      stream.on('end', () => {
        if (refuseNext > 0) {
          refuseNext -= 1;
          const error = Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 });
          callback(error);
          return;
        }
        mailbox.push({ to: (session.envelope.rcptTo ?? []).map((rcpt) => rcpt.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  app = await createTestApp(
    {
      smtpUrl: `smtp://127.0.0.1:${port}`,
      dataDir,
      notifyWorkerIntervalMs: 0,
      notifyReminderHours: [24],
      notifyTimeZone: 'Europe/Madrid',
      eventsPollMs: 20,
    },
    { now: () => current },
  );
});

afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

beforeEach(() => {
  mailbox.length = 0;
  refuseNext = 0;
});

/** Mail headers are folded and may be Q-encoded (RFC 2047); the decoded subject is enough here. */
function subjectOf(mail: Mail): string {
  const folded = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(mail.raw)?.[1] ?? '';
  return folded
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/\r?\n[ \t]/g, ' ')
    .replace(/=\?utf-8\?Q\?(.*?)\?=/gi, (_match, text: string) => {
      const bytes: number[] = [];
      for (let i = 0; i < text.length; i += 1) {
        if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
          bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
          i += 2;
        } else bytes.push((text[i] === '_' ? ' ' : text[i]!).charCodeAt(0));
      }
      return Buffer.from(bytes).toString('utf8');
    });
}

async function clinic(tenantId: string) {
  await app.tenants.ensure(tenantId, 'Clínica Norte');
  const fhir = fhirClient(app, tenantId);
  return fhir;
}

async function bookedAppointment(
  tenantId: string,
  patient: Partial<Patient>,
  startsInHours = 72,
  /** Runs between the patient's registration and the booking (preferences are set before a booking). */
  beforeBooking?: (patient: Patient & { id: string }) => Promise<void>,
): Promise<{ patient: Patient & { id: string }; appointment: Appointment & { id: string } }> {
  const fhir = await clinic(tenantId);
  const created = await fhir.create<Patient>({
    resourceType: 'Patient',
    name: [{ given: ['Ana'], family: 'Ruiz' }],
    ...patient,
  });
  await beforeBooking?.(created);
  const start = new Date(current.getTime() + startsInHours * 3_600_000);
  const appointment = await fhir.create<Appointment>({
    resourceType: 'Appointment',
    status: 'booked',
    start: start.toISOString(),
    end: new Date(start.getTime() + 1_800_000).toISOString(),
    participant: [{ actor: { reference: `Patient/${created.id}` }, status: 'accepted' }],
  });
  return { patient: created, appointment };
}

async function publish(tenantId: string, type: string, aggregate: { type: string; id: string }, data = {}) {
  await app.db.transaction(tenantId, (tx) => app.events.publish(tx, tenantId, { type, aggregate, data }));
  await app.events.drain();
}

async function deliveries(tenantId: string, about: string) {
  const admin = await member(app, tenantId, 'tenant_admin');
  const res = await admin.request('GET', `/notifications/deliveries?about=${encodeURIComponent(about)}`);
  expect(res.statusCode).toBe(200);
  return res.json().deliveries as {
    kind: string;
    channel: string;
    status: string;
    attempts: number;
    lastError: string | null;
    nextAttemptAt: string | null;
  }[];
}

describe('appointment notifications', () => {
  it('mails a confirmation through SMTP, texts it to the mobile, and reminds 24 h before at the right time', async () => {
    const tenantId = newTenantId();
    const { appointment } = await bookedAppointment(tenantId, {
      telecom: [
        { system: 'email', value: 'ana.ruiz@example.org' },
        { system: 'phone', value: '+34 600 111 222', use: 'mobile' },
      ],
    });
    await publish(tenantId, 'appointment.booked', { type: 'Appointment', id: appointment.id });
    // Delivered at least once: a second delivery of the same event changes nothing.
    const stored = await app.db.withTenant(tenantId, (q) =>
      q.query<{ id: string }>(`SELECT id FROM event_outbox WHERE tenant_id = $1 AND type = 'appointment.booked'`, [
        tenantId,
      ]),
    );
    await app.app.notifications.handleEvent(
      {
        id: stored.rows[0]!.id,
        type: 'appointment.booked',
        aggregate: { type: 'Appointment', id: appointment.id },
        data: {},
      },
      tenantId,
    );

    const first = await app.app.notifications.runDue();
    expect(first.failed).toBe(0);
    expect(mailbox).toHaveLength(1);
    expect(mailbox[0]!.to).toEqual(['ana.ruiz@example.org']);
    expect(subjectOf(mailbox[0]!)).toMatch(/^Your appointment on .*2026 is confirmed$/);
    expect(mailbox[0]!.raw).toContain('Cl=C3=ADnica Norte');
    const texts = readdirSync(join(dataDir, 'sms-outbox')).map((name) =>
      JSON.parse(readFileSync(join(dataDir, 'sms-outbox', name), 'utf8')),
    );
    expect(texts).toContainEqual({ to: '+34600111222', body: expect.stringMatching(/is confirmed\.$/) });

    // Not yet: the reminder is due 24 h before the start (48 h from now).
    current = new Date(current.getTime() + 47 * 3_600_000);
    await app.app.notifications.runDue();
    expect(mailbox).toHaveLength(1);
    current = new Date(current.getTime() + 3_600_000 + 1000);
    await app.app.notifications.runDue();
    expect(mailbox).toHaveLength(2);
    expect(subjectOf(mailbox[1]!)).toMatch(/^Reminder: your appointment on /);

    const log = await deliveries(tenantId, `Appointment/${appointment.id}`);
    expect(
      log
        .filter((row) => row.status === 'sent')
        .map((row) => `${row.kind}/${row.channel}`)
        .sort(),
    ).toEqual([
      'appointment-confirmation/email',
      'appointment-confirmation/sms',
      'appointment-reminder/email',
      'appointment-reminder/sms',
    ]);
  });

  it('retries a message the SMTP server refused, with back-off, until it is sent', async () => {
    const tenantId = newTenantId();
    const { appointment } = await bookedAppointment(tenantId, {
      telecom: [{ system: 'email', value: 'retry@example.org' }],
    });
    await publish(tenantId, 'appointment.booked', { type: 'Appointment', id: appointment.id });
    refuseNext = 1;
    expect(await app.app.notifications.runDue()).toEqual({ sent: 0, failed: 1 });
    let [confirmation] = (await deliveries(tenantId, `Appointment/${appointment.id}`)).filter(
      (row) => row.kind === 'appointment-confirmation',
    );
    expect(confirmation).toMatchObject({ status: 'queued', attempts: 1 });
    expect(confirmation!.lastError).toMatch(/451|try again/i);
    expect(new Date(confirmation!.nextAttemptAt!).getTime()).toBe(current.getTime() + 30_000);

    // Not before its time.
    expect(await app.app.notifications.runDue()).toEqual({ sent: 0, failed: 0 });
    current = new Date(current.getTime() + 30_000);
    expect(await app.app.notifications.runDue()).toEqual({ sent: 1, failed: 0 });
    expect(mailbox.map((mail) => mail.to[0])).toEqual(['retry@example.org']);
    [confirmation] = (await deliveries(tenantId, `Appointment/${appointment.id}`)).filter(
      (row) => row.kind === 'appointment-confirmation',
    );
    expect(confirmation).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('writes in the patient’s language, respects an opt-out, and a cancellation drops the pending reminder', async () => {
    const tenantId = newTenantId();
    const { appointment } = await bookedAppointment(
      tenantId,
      {
        telecom: [
          { system: 'email', value: 'old@example.org', use: 'old' },
          { system: 'email', value: 'lucia@example.org', rank: 1 },
          { system: 'sms', value: '+34600999888' },
        ],
        communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es-ES' }] }, preferred: true }],
      },
      72,
      async (patient) => {
        const optOut = await app.app.inject({
          method: 'PUT',
          url: `/patients/${patient.id}/notification-preferences`,
          headers: { 'x-meridian-tenant': tenantId },
          payload: { sms: false },
        });
        expect(optOut.statusCode).toBe(200);
        expect(optOut.json()).toEqual({ email: true, sms: false, 'in-app': true });
        await app.audit.settled();
        const audited = await app.db.asOwner((q) =>
          q.query<{ action: string; patient_id: string }>(
            `SELECT action, patient_id FROM audit_event WHERE tenant_id = $1 AND action LIKE 'notification-%'`,
            [tenantId],
          ),
        );
        expect(audited.rows).toEqual([{ action: 'notification-preferences-change', patient_id: patient.id }]);
        const bad = await app.app.inject({
          method: 'PUT',
          url: `/patients/${patient.id}/notification-preferences`,
          headers: { 'x-meridian-tenant': tenantId },
          payload: { fax: false },
        });
        expect(bad.statusCode).toBe(400);
      },
    );

    await publish(tenantId, 'appointment.booked', { type: 'Appointment', id: appointment.id });
    await app.app.notifications.runDue();
    expect(mailbox.map((mail) => mail.to[0])).toEqual(['lucia@example.org']);
    expect(subjectOf(mailbox[0]!)).toMatch(/^Su cita del .* está confirmada$/);

    await publish(tenantId, 'appointment.cancelled', { type: 'Appointment', id: appointment.id });
    await app.app.notifications.runDue();
    expect(subjectOf(mailbox[1]!)).toMatch(/^Su cita del .* está cancelada$/);
    const log = await deliveries(tenantId, `Appointment/${appointment.id}`);
    expect(log.find((row) => row.kind === 'appointment-reminder')?.status).toBe('cancelled');
    expect(log.some((row) => row.channel === 'sms')).toBe(false);
  });

  it('moves the reminder with a rescheduled appointment', async () => {
    const tenantId = newTenantId();
    const { appointment } = await bookedAppointment(tenantId, {
      telecom: [{ system: 'email', value: 'moved@example.org' }],
    });
    await publish(tenantId, 'appointment.booked', { type: 'Appointment', id: appointment.id });
    const fhir = fhirClient(app, tenantId);
    const start = new Date(current.getTime() + 96 * 3_600_000);
    const moved = await fhir.put(`Appointment/${appointment.id}`, {
      ...appointment,
      start: start.toISOString(),
      end: new Date(start.getTime() + 1_800_000).toISOString(),
    });
    expect(moved.statusCode).toBe(200);
    await publish(tenantId, 'appointment.rescheduled', { type: 'Appointment', id: appointment.id });
    await app.app.notifications.runDue();
    // The confirmation of the old time had not gone out yet: only the new time is announced.
    expect(mailbox.map(subjectOf)).toEqual([expect.stringMatching(/^Your appointment has moved to /)]);
    const reminders = (await deliveries(tenantId, `Appointment/${appointment.id}`)).filter(
      (row) => row.kind === 'appointment-reminder',
    );
    expect(reminders.map((row) => row.status).sort()).toEqual(['cancelled', 'queued']);
    const queued = reminders.find((row) => row.status === 'queued')!;
    expect(new Date(queued.nextAttemptAt!).getTime()).toBe(start.getTime() - 24 * 3_600_000);
  });

  it('uses a tenant’s own template and refuses placeholders the kind does not have', async () => {
    const tenantId = newTenantId();
    await clinic(tenantId);
    const admin = await member(app, tenantId, 'tenant_admin');
    const wrong = await admin.request('PUT', '/notifications/templates/appointment-confirmation/email/en', {
      subject: 'Booked {{diagnosis}}',
      body: 'x',
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'NOTIFICATIONS_TEMPLATE_INVALID' });
    const put = await admin.request('PUT', '/notifications/templates/appointment-confirmation/email/en', {
      subject: 'See you {{date}}, {{patientName}}',
      body: 'Dear {{patientName}}, {{clinic}} expects you at {{time}}.',
    });
    expect(put.statusCode).toBe(204);
    const nurse = await member(app, tenantId, 'nurse');
    expect(
      (await nurse.request('PUT', '/notifications/templates/appointment-confirmation/email/en', {})).statusCode,
    ).toBe(403);

    const { appointment } = await bookedAppointment(tenantId, {
      name: [{ given: ['<Bo>'], family: 'Li' }],
      telecom: [{ system: 'email', value: 'bo@example.org' }],
    });
    await publish(tenantId, 'appointment.booked', { type: 'Appointment', id: appointment.id });
    await app.app.notifications.runDue();
    expect(subjectOf(mailbox[0]!)).toMatch(/^See you .*, <Bo> Li$/);
    // The HTML part escapes what the patient record holds.
    expect(mailbox[0]!.raw).toContain('&lt;Bo&gt; Li');
  });
});

describe('booking through the scheduling API', () => {
  it('confirms an appointment booked with POST /appointments, at the schedule’s local time', async () => {
    const tenantId = newTenantId();
    const fhir = await clinic(tenantId);
    const admin = await member(app, tenantId, 'tenant_admin');
    const desk = await member(app, tenantId, 'front_desk');
    const practitioner = await fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Okafor' }] });
    const schedule = await admin.request('POST', '/scheduling/schedules', {
      practitioner: practitioner.id,
      timeZone: 'America/New_York',
      horizonDays: 10,
      availability: [
        { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '09:00', end: '10:00', slotMinutes: 60 },
      ],
    });
    expect(schedule.statusCode, schedule.body).toBe(201);
    const from = new Date(current.getTime() + 2 * 86_400_000);
    const query = new URLSearchParams({
      practitioner: practitioner.id,
      from: from.toISOString(),
      to: new Date(from.getTime() + 3 * 86_400_000).toISOString(),
    });
    const slots = await desk.request('GET', `/scheduling/slots?${query}`);
    expect(slots.statusCode, slots.body).toBe(200);
    const slot = slots.json().slots[0] as { id: string; start: string };
    const patient = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ given: ['Chidi'], family: 'Eze' }],
      telecom: [{ system: 'email', value: 'chidi@example.org' }],
    });
    const booking = await desk.request('POST', '/appointments', { slot: slot.id, patient: patient.id });
    expect(booking.statusCode, booking.body).toBe(201);

    await app.events.drain();
    await app.app.notifications.runDue();
    expect(mailbox.map((mail) => mail.to[0])).toEqual(['chidi@example.org']);
    // 09:00 in New York, whatever the server's zone (NOTIFY_TIME_ZONE is Europe/Madrid here).
    expect(mailbox[0]!.raw).toMatch(/at 9:00\sAM is confirmed/);
  });
});

describe('clinical and security alerts', () => {
  it('alerts the ordering clinician of a critical result in the app and by email', async () => {
    const tenantId = newTenantId();
    const fhir = await clinic(tenantId);
    const practitioner = await fhir.create({
      resourceType: 'Practitioner',
      name: [{ family: 'House' }],
      telecom: [{ system: 'email', value: 'house@example.org', use: 'work' }],
    });
    const patient = await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Critical' }] });
    const order = await fhir.create({
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      subject: { reference: `Patient/${patient.id}` },
      requester: { reference: `Practitioner/${practitioner.id}` },
      code: { coding: [{ system: 'http://loinc.org', code: '2823-3' }] },
    });
    const result = await fhir.create({
      resourceType: 'Observation',
      status: 'final',
      basedOn: [{ reference: `ServiceRequest/${order.id}` }],
      subject: { reference: `Patient/${patient.id}` },
      code: { coding: [{ system: 'http://loinc.org', code: '2823-3' }] },
      valueQuantity: { value: 6.9, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
      interpretation: [
        { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'HH' }] },
      ],
    });
    await publish(tenantId, 'result.critical', { type: 'Observation', id: result.id });

    const house = await member(app, tenantId, 'physician', `Practitioner/${practitioner.id}`);
    const other = await member(app, tenantId, 'physician');
    const inbox = await house.request('GET', '/notifications');
    expect(inbox.statusCode).toBe(200);
    const [alert] = inbox.json().notifications;
    expect(alert).toMatchObject({ kind: 'critical-result', about: `Observation/${result.id}`, readAt: null });
    expect((await other.request('GET', '/notifications')).json().notifications).toEqual([]);
    expect((await other.request('POST', `/notifications/${alert.id}/read`)).statusCode).toBe(404);
    expect((await house.request('POST', `/notifications/${alert.id}/read`)).statusCode).toBe(204);
    const unread = await house.request('GET', '/notifications?unread=true');
    expect(unread.json().notifications).toEqual([]);

    await app.app.notifications.runDue();
    expect(mailbox.map((mail) => mail.to[0])).toEqual(['house@example.org']);
    expect(subjectOf(mailbox[0]!)).toBe('Critical result needs your attention');
  });

  it('tells the tenant’s admins when someone breaks the glass', async () => {
    const tenantId = newTenantId();
    const fhir = await clinic(tenantId);
    const patient = await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Glass' }] });
    const admin = await member(app, tenantId, 'tenant_admin');
    const physician = await member(app, tenantId, 'physician');
    const broke = await physician.request('POST', '/access/break-the-glass', {
      patient: patient.id,
      reason: 'Unconscious in the ER',
    });
    expect(broke.statusCode).toBe(201);
    expect(await app.app.notifications.pollAccessAlerts()).toBeGreaterThan(0);
    expect(await app.app.notifications.pollAccessAlerts()).toBe(0);
    const inbox = (await admin.request('GET', '/notifications')).json().notifications;
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ kind: 'break-the-glass', about: `Patient/${patient.id}` });
    // The reason stays in the access alert list, not in messages.
    expect(inbox[0].body).not.toContain('Unconscious');
    expect((await physician.request('GET', '/notifications')).json().notifications).toEqual([]);
  });
});
