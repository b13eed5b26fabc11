import type { FastifyInstance } from 'fastify';
import type { FhirServices } from '../../fhir';
import type { Database } from '../../platform/db';
import type { AuditService } from '../audit';
import type { EncounterService } from '../encounters';
import { registerAppointmentRoutes } from './appointment.routes';
import { AppointmentService } from './appointment.service';
import { ScheduleService } from './schedule.service';
import { type EventPublisher, noEvents } from './scheduling.events';
import { appointmentEventsFromFhir } from './scheduling.fhir-events';
import { registerSchedulingRoutes } from './scheduling.routes';
import { slotSeatKeeper } from './scheduling.seats';
import { registerWaitlistRoutes } from './waitlist.routes';
import { WaitlistService } from './waitlist.service';

export interface SchedulingModuleOptions {
  fhir: FhirServices;
  audit: AuditService;
  /** Check-in opens the visit through the encounters module. */
  encounters: EncounterService;
  events?: EventPublisher | undefined;
  /** For the daily roll of every tenant's planning horizons; without it, only `…/regenerate` rolls them. */
  db?: Database | undefined;
  /** How often the horizons roll forward (default daily; 0: never). */
  rollEveryMs?: number | undefined;
  now?: (() => Date) | undefined;
}

const DAY_MS = 86_400_000;

export interface SchedulingModule {
  schedules: ScheduleService;
  appointments: AppointmentService;
  waitlist: WaitlistService;
}

/**
 * Scheduling: schedules with weekly availability in their own time zone, materialised slots, booking
 * over FHIR Appointment with seats the database hands out once, the waitlist, and check-in.
 */
export function registerSchedulingModule(app: FastifyInstance, options: SchedulingModuleOptions): SchedulingModule {
  const now = options.now ?? (() => new Date());
  const { repository, search } = options.fhir;
  const schedules = new ScheduleService({ repository, now });
  const events = options.events ?? noEvents;
  const waitlist = new WaitlistService({ repository, search, audit: options.audit, events, now });
  const appointments = new AppointmentService({
    repository,
    search,
    audit: options.audit,
    events,
    encounters: options.encounters,
    now,
  });
  waitlist.bookWith(appointments);
  // Every Appointment write, by any path, takes and gives back slot seats inside its own transaction.
  repository.onWrite(slotSeatKeeper(repository, (tx, tenantId, slotIds) => waitlist.slotsFreed(tx, tenantId, slotIds)));
  // Appointments written through plain FHIR publish their events too (the API publishes its own).
  if (options.events) repository.onWrite(appointmentEventsFromFhir(repository, options.events));
  const { db } = options;
  const rollEvery = options.rollEveryMs ?? DAY_MS;
  if (db && rollEvery > 0) {
    const roll = () =>
      schedules
        .rollHorizons(db)
        .catch((error: Error) => app.log.warn({ err: { message: error.message } }, 'scheduling horizon roll failed'));
    const timers: NodeJS.Timeout[] = [];
    // The first roll a minute after start, so a restart loop does not regenerate on every boot.
    app.addHook('onReady', async () => {
      timers.push(setTimeout(roll, Math.min(60_000, rollEvery)).unref());
      timers.push(setInterval(roll, rollEvery).unref());
    });
    app.addHook('onClose', async () => {
      for (const timer of timers) clearInterval(timer);
    });
  }
  registerSchedulingRoutes(app, schedules);
  registerAppointmentRoutes(app, appointments);
  registerWaitlistRoutes(app, waitlist);
  return { schedules, appointments, waitlist };
}
