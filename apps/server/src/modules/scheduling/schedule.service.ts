import { randomUUID } from 'node:crypto';
import type { Location, Schedule } from '@medplum/fhirtypes';
import { type FhirContext, FhirError, type FhirRepository } from '../../fhir';
import type { Database, Queryable } from '../../platform/db';
import { generateSlots } from './scheduling.availability';
import { schedulingErrors } from './scheduling.errors';
import type { ScheduleInput, SchedulingSettings, SlotQuery, VisitTypeInput } from './scheduling.schemas';
import { slotResource } from './scheduling.seats';
import * as store from './scheduling.store';

const DAY_MS = 86_400_000;
export const TIMEZONE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/timezone';
export const VISIT_TYPE_SYSTEM = 'https://meridian.health/fhir/CodeSystem/visit-type';

export interface ScheduleServiceDeps {
  repository: FhirRepository;
  now: () => Date;
}

export interface ScheduleView {
  id: string;
  practitioner?: string;
  location?: string;
  device?: string;
  timeZone: string;
  specialties: string[];
  overbook: number;
  horizonDays: number;
  availability: store.ScheduleRow['availability'];
  exceptions: store.ScheduleRow['exceptions'];
  active: boolean;
  generatedTo?: string;
}

function viewOf(row: store.ScheduleRow): ScheduleView {
  return {
    id: row.schedule_id,
    ...(row.practitioner_id ? { practitioner: `Practitioner/${row.practitioner_id}` } : {}),
    ...(row.location_id ? { location: `Location/${row.location_id}` } : {}),
    ...(row.device_id ? { device: `Device/${row.device_id}` } : {}),
    timeZone: row.time_zone,
    specialties: row.specialties,
    overbook: row.overbook,
    horizonDays: row.horizon_days,
    availability: row.availability,
    exceptions: row.exceptions,
    active: row.active,
    ...(row.generated_to ? { generatedTo: new Date(row.generated_to).toISOString() } : {}),
  };
}

export function visitTypeView(row: store.VisitTypeRow) {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    durationMinutes: row.duration_minutes,
    ...(row.specialty ? { specialty: row.specialty } : {}),
    ...(row.location_type ? { locationType: row.location_type } : {}),
    active: row.active,
  };
}

/** Schedules with their weekly availability, the slots materialised from them, and visit types. */
export class ScheduleService {
  constructor(private readonly deps: ScheduleServiceDeps) {}

  /** Refuses with 403 unless the caller may `interaction` resources of `type` (the FHIR policy decides). */
  async authorize(ctx: FhirContext, interaction: string, type: string): Promise<void> {
    await this.deps.repository.authorizeOperation(ctx, `scheduling-${interaction}`, type, interaction);
  }

  async create(ctx: FhirContext, input: ScheduleInput): Promise<ScheduleView> {
    return this.save(ctx, randomUUID(), input, true);
  }

  async replace(ctx: FhirContext, id: string, input: ScheduleInput): Promise<ScheduleView> {
    await this.row(ctx, id);
    return this.save(ctx, id, input, false);
  }

  /** Changes part of a schedule (availability, exceptions) and regenerates its free slots. */
  async change(ctx: FhirContext, id: string, patch: Partial<ScheduleInput>): Promise<ScheduleView> {
    const row = await this.row(ctx, id);
    const current: ScheduleInput = {
      practitioner: row.practitioner_id ?? undefined,
      location: row.location_id ?? undefined,
      device: row.device_id ?? undefined,
      timeZone: row.time_zone,
      specialties: row.specialties,
      overbook: row.overbook,
      horizonDays: row.horizon_days,
      availability: row.availability,
      exceptions: row.exceptions,
      active: row.active,
    } as ScheduleInput;
    return this.save(ctx, id, { ...current, ...patch }, false);
  }

  async read(ctx: FhirContext, id: string): Promise<ScheduleView> {
    return viewOf(await this.row(ctx, id));
  }

  async list(ctx: FhirContext, filter: { practitioner?: string; location?: string }): Promise<ScheduleView[]> {
    await this.authorize(ctx, 'search', 'Schedule');
    const rows = await this.deps.repository.reading(ctx, (q) => store.listSchedules(q, ctx.tenantId, filter));
    return rows.map(viewOf);
  }

  /** Regenerates the free slots of a schedule from now to its horizon (a rolling horizon moves forward). */
  async regenerate(ctx: FhirContext, id: string): Promise<ScheduleView> {
    return this.change(ctx, id, {});
  }

  /**
   * Rolls every active schedule's horizon forward (of every tenant): the days that came into reach get
   * their slots. Run daily by the module; returns how many schedules moved.
   */
  async rollHorizons(db: Database): Promise<number> {
    const due = await db.asOwner((q) => store.schedulesToRoll(q, this.deps.now()));
    let rolled = 0;
    for (const { tenant_id: tenantId, schedule_id: id } of due) {
      // The server's own work for the tenant: no caller's access guard.
      await this.change({ tenantId }, id, {});
      rolled += 1;
    }
    return rolled;
  }

  private async row(ctx: FhirContext, id: string): Promise<store.ScheduleRow> {
    // Reading the Schedule through FHIR applies the caller's access (and says 404 for a missing one).
    await this.fhirRead(ctx, 'Schedule', id, 'schedule');
    const row = await this.deps.repository.reading(ctx, (q) => store.readSchedule(q, ctx.tenantId, id));
    if (!row) throw schedulingErrors.notFound('schedule', id);
    return row;
  }

  private async fhirRead(ctx: FhirContext, type: string, id: string, path: string) {
    try {
      return await this.deps.repository.read(ctx, type, id);
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) {
        if (type === 'Schedule') throw schedulingErrors.notFound('schedule', id);
        throw schedulingErrors.rule(`${path}: ${type}/${id} does not exist`, path);
      }
      throw error;
    }
  }

  private async save(ctx: FhirContext, id: string, input: ScheduleInput, created: boolean): Promise<ScheduleView> {
    const { repository } = this.deps;
    const now = this.deps.now();
    const horizonEnd = new Date(now.getTime() + input.horizonDays * DAY_MS);
    return repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      const actors: { reference: string }[] = [];
      let locationTypes: string[] = [];
      if (input.practitioner) {
        await this.fhirRead(inTx, 'Practitioner', input.practitioner, 'practitioner');
        actors.push({ reference: `Practitioner/${input.practitioner}` });
      }
      if (input.location) {
        const location = (await this.fhirRead(inTx, 'Location', input.location, 'location')) as Location;
        locationTypes = (location.type ?? [])
          .flatMap((type) => (type.coding ?? []).map((c) => c.code ?? ''))
          .filter(Boolean);
        actors.push({ reference: `Location/${input.location}` });
      }
      if (input.device) {
        await this.fhirRead(inTx, 'Device', input.device, 'device');
        actors.push({ reference: `Device/${input.device}` });
      }
      const schedule: Schedule = {
        resourceType: 'Schedule',
        id,
        extension: [{ url: TIMEZONE_EXTENSION, valueCode: input.timeZone }],
        active: input.active,
        actor: actors,
        ...(input.specialties.length ? { specialty: input.specialties.map((code) => ({ coding: [{ code }] })) } : {}),
        planningHorizon: { start: now.toISOString(), end: horizonEnd.toISOString() },
      };
      // Through the FHIR repository: the caller's access to Schedule decides, and the write is audited.
      if (created) await repository.create(inTx, schedule, { id });
      else await repository.update(inTx, 'Schedule', id, schedule);
      await store.upsertSchedule(tx, ctx.tenantId, {
        schedule_id: id,
        practitioner_id: input.practitioner ?? null,
        location_id: input.location ?? null,
        device_id: input.device ?? null,
        specialties: input.specialties,
        location_types: locationTypes,
        time_zone: input.timeZone,
        overbook: input.overbook,
        horizon_days: input.horizonDays,
        availability: input.availability,
        exceptions: input.exceptions,
        active: input.active,
      });
      await store.readSchedule(tx, ctx.tenantId, id, true);
      const slots = input.active
        ? generateSlots({
            timeZone: input.timeZone,
            availability: input.availability,
            exceptions: input.exceptions,
            from: now,
            to: horizonEnd,
          })
        : [];
      await store.replaceFreeSlots(tx, ctx.tenantId, id, now, horizonEnd, 1 + input.overbook, slots);
      return viewOf((await store.readSchedule(tx, ctx.tenantId, id))!);
    });
  }

  // ---- slots

  async searchSlots(ctx: FhirContext, query: SlotQuery) {
    await this.authorize(ctx, 'search', 'Slot');
    return this.deps.repository.reading(ctx, async (q) => {
      let visitType: store.VisitTypeRow | undefined;
      if (query.visitType) {
        visitType = await store.readVisitType(q, ctx.tenantId, query.visitType);
        if (!visitType)
          throw schedulingErrors.invalidRequest(`visitType: no visit type '${query.visitType}'`, 'visitType');
      }
      const rows = await store.searchFreeSlots(q, ctx.tenantId, {
        practitioner: query.practitioner,
        location: query.location,
        device: query.device,
        schedule: query.schedule,
        specialty: query.specialty ?? visitType?.specialty ?? undefined,
        locationType: visitType?.location_type ?? undefined,
        visitType: visitType?.id,
        minMinutes: visitType?.duration_minutes,
        from: query.from,
        to: query.to,
        count: query.count,
      });
      return rows.map((row) => ({
        ...slotResource({ ...row, booked: row.booked }),
        status: 'free' as const,
        seatsLeft: row.capacity - row.booked,
        ...(row.practitioner_id ? { practitioner: `Practitioner/${row.practitioner_id}` } : {}),
        ...(row.location_id ? { location: `Location/${row.location_id}` } : {}),
        ...(row.device_id ? { device: `Device/${row.device_id}` } : {}),
        ...(row.visit_types.length ? { visitTypes: row.visit_types } : {}),
      }));
    });
  }

  // ---- visit types

  async saveVisitType(ctx: FhirContext, id: string | undefined, input: VisitTypeInput) {
    return this.deps.repository.inTransaction(ctx, async (tx) => {
      const sameCode = await store.visitTypeByCode(tx, ctx.tenantId, input.code);
      if (sameCode && sameCode.id !== id) {
        throw schedulingErrors.conflict(`A visit type with code '${input.code}' already exists`);
      }
      if (id && !(await store.readVisitType(tx, ctx.tenantId, id))) throw schedulingErrors.notFound('visit type', id);
      const row = await store.upsertVisitType(tx, ctx.tenantId, {
        id: id ?? randomUUID(),
        code: input.code,
        name: input.name,
        duration_minutes: input.durationMinutes,
        specialty: input.specialty ?? null,
        location_type: input.locationType ?? null,
        active: input.active,
      });
      return visitTypeView(row!);
    });
  }

  async listVisitTypes(ctx: FhirContext) {
    const rows = await this.deps.repository.reading(ctx, (q) => store.listVisitTypes(q, ctx.tenantId));
    return rows.map(visitTypeView);
  }

  async visitType(q: Queryable, tenantId: string, id: string): Promise<store.VisitTypeRow> {
    const row = await store.readVisitType(q, tenantId, id);
    if (!row) throw schedulingErrors.invalidRequest(`visitType: no visit type '${id}'`, 'visitType');
    return row;
  }

  // ---- settings

  async settings(ctx: FhirContext): Promise<SchedulingSettings> {
    return this.deps.repository.reading(ctx, (q) => store.readSettings(q, ctx.tenantId));
  }

  async saveSettings(ctx: FhirContext, settings: SchedulingSettings): Promise<SchedulingSettings> {
    await this.deps.repository.inTransaction(ctx, (tx) => store.writeSettings(tx, ctx.tenantId, settings));
    return settings;
  }
}
