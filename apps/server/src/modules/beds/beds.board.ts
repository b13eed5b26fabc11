import type { Bundle, Location, Patient } from '@medplum/fhirtypes';
import { type FhirContext, FhirError, type FhirRepository, type SearchService } from '../../fhir';
import type { AuditService } from '../audit';
import type { ClinicalActor } from '../identity';
import { bedErrors } from './beds.errors';
import { newLocation } from './beds.resource';
import type { CreateWardInput, RoomInput } from './beds.schemas';
import type { BedService } from './beds.service';
import { type WardNow, type WardPeriod, wardNow, wardPeriod } from './beds.stats';
import { type BedStatus, bedStatusOf, idOf, levelOf, reasonOf } from './beds.status';
import { bedStore } from './beds.store';

export interface BoardBed {
  id: string;
  name: string | null;
  status: BedStatus;
  /** v2-0116 code as stored in Location.operationalStatus. */
  code: string | null;
  since: string | null;
  reason: string | null;
  /** Present for occupied beds whose patient the caller may read. */
  encounter?: string;
  patient?: { id: string; name: string; mrn: string | null } | null;
}

export interface BoardWard {
  id: string;
  name: string | null;
  now: WardNow;
  rooms: { id: string; name: string | null; beds: BoardBed[] }[];
}

export interface BoardServiceDeps {
  repository: FhirRepository;
  search: SearchService;
  audit: AuditService;
  beds: BedService;
  now?: () => Date;
}

const MAX_PERIOD_DAYS = 366;

function patientName(patient: Patient): string {
  const name = patient.name?.find((entry) => entry.use === 'official') ?? patient.name?.[0];
  return name?.text ?? [name?.given?.join(' '), name?.family].filter(Boolean).join(' ');
}

function mrnOf(patient: Patient): string | null {
  const mr = patient.identifier?.find((identifier) => identifier.type?.coding?.some((coding) => coding.code === 'MR'));
  return mr?.value ?? null;
}

/** Wards set up in one step, the board (wards → rooms → beds with who lies where) and ward statistics. */
export class BoardService {
  private readonly now: () => Date;

  constructor(private readonly deps: BoardServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** A ward with its rooms and beds, in one transaction, through the caller's FHIR access. */
  async createWard(ctx: FhirContext, actor: ClinicalActor, input: CreateWardInput): Promise<BoardWard> {
    const ward = await this.deps.repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      const created = await this.deps.repository.create(
        inTx,
        newLocation('ward', input.name, undefined, input.description),
      );
      for (const room of input.rooms) await this.createRoom(inTx, created.id!, room);
      return created as Location;
    });
    return (await this.board(ctx, actor, ward.id))[0]!;
  }

  async addRoom(ctx: FhirContext, actor: ClinicalActor, wardId: string, room: RoomInput): Promise<BoardWard> {
    await this.deps.repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      await this.deps.beds.bed(inTx, wardId, 'ward');
      await this.createRoom(inTx, wardId, room);
    });
    return (await this.board(ctx, actor, wardId))[0]!;
  }

  async addBed(ctx: FhirContext, roomId: string, name: string): Promise<Location> {
    return this.deps.repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      await this.deps.beds.bed(inTx, roomId, 'room');
      return (await this.deps.repository.create(inTx, newLocation('bed', name, `Location/${roomId}`))) as Location;
    });
  }

  private async createRoom(ctx: FhirContext, wardId: string, room: RoomInput): Promise<void> {
    const created = await this.deps.repository.create(ctx, newLocation('room', room.name, `Location/${wardId}`));
    for (const bed of room.beds) {
      await this.deps.repository.create(ctx, newLocation('bed', bed, `Location/${created.id}`));
    }
  }

  /**
   * The board: wards (one, or every ward) → rooms → beds with status and since when; for occupied beds,
   * the encounter and the patient (id, name, MRN) when the caller may read that Patient. Each patient
   * shown is on the audit trail.
   */
  async board(ctx: FhirContext, actor: ClinicalActor, wardId?: string): Promise<BoardWard[]> {
    const { wards, rooms, beds } = await this.structure(ctx, wardId);
    const bedIds = beds.map((bed) => bed.id!);
    const [stays, latest] = await this.deps.repository.reading(
      ctx,
      async (db) =>
        [
          await bedStore.openStaysOfBeds(db, ctx.tenantId, bedIds),
          await bedStore.latestChanges(db, ctx.tenantId, bedIds),
        ] as const,
    );
    const stayOf = new Map(stays.map((stay) => [stay.bedId, stay]));
    const patients = await this.readablePatients(ctx, [...new Set(stays.map((stay) => stay.patientId))]);
    await this.deps.audit.recordAccess(
      [...patients.keys()].map((patientId) => ({
        tenantId: ctx.tenantId,
        userId: actor.userId,
        clientId: actor.clientId,
        roles: actor.roles,
        ip: actor.ip,
        requestId: actor.requestId,
        action: 'read' as const,
        outcome: 'success' as const,
        patientId,
        resourceType: 'Patient',
        resourceId: patientId,
        detail: 'bed-board',
      })),
    );

    const boardBed = (bed: Location): BoardBed => {
      const status = bedStatusOf(bed);
      const stay = status === 'occupied' ? stayOf.get(bed.id!) : undefined;
      const patient = stay ? patients.get(stay.patientId) : undefined;
      return {
        id: bed.id!,
        name: bed.name ?? null,
        status,
        code: bed.operationalStatus?.code ?? null,
        since: stay?.startedAt ?? latest.get(bed.id!)?.at ?? bed.meta?.lastUpdated ?? null,
        reason: status === 'blocked' ? (reasonOf(bed) ?? latest.get(bed.id!)?.reason ?? null) : null,
        ...(stay
          ? patient
            ? {
                encounter: `Encounter/${stay.encounterId}`,
                patient: { id: patient.id!, name: patientName(patient), mrn: mrnOf(patient) },
              }
            : { patient: null }
          : {}),
      };
    };
    const byName = (a: { name?: string | undefined }, b: { name?: string | undefined }) =>
      (a.name ?? '').localeCompare(b.name ?? '', undefined, { numeric: true });
    return wards.sort(byName).map((ward) => {
      const wardRooms = rooms
        .filter((room) => idOf(room.partOf?.reference) === ward.id)
        .sort(byName)
        .map((room) => ({
          id: room.id!,
          name: room.name ?? null,
          beds: beds
            .filter((bed) => idOf(bed.partOf?.reference) === room.id)
            .sort(byName)
            .map(boardBed),
        }));
      return {
        id: ward.id!,
        name: ward.name ?? null,
        now: wardNow(wardRooms.flatMap((room) => room.beds.map((bed) => bed.status))),
        rooms: wardRooms,
      };
    });
  }

  /** A ward's occupancy now and, when a period is given, over it. */
  async stats(
    ctx: FhirContext,
    wardId: string,
    period?: { from: string; to: string },
  ): Promise<{ ward: { id: string; name: string | null }; now: WardNow; period?: WardPeriod }> {
    const { wards, beds } = await this.structure(ctx, wardId);
    const ward = wards[0]!;
    const result = { ward: { id: ward.id!, name: ward.name ?? null }, now: wardNow(beds.map(bedStatusOf)) };
    if (!period) return result;
    const from = new Date(period.from).toISOString();
    const asked = new Date(period.to).toISOString();
    if (Date.parse(from) >= Date.parse(asked)) throw bedErrors.invalidRequest('to: must be after from', 'to');
    if (Date.parse(asked) - Date.parse(from) > MAX_PERIOD_DAYS * 86_400_000) {
      throw bedErrors.invalidRequest(`to: a period spans at most ${MAX_PERIOD_DAYS} days`, 'to');
    }
    const now = this.now().toISOString();
    const to = asked < now ? asked : now;
    if (to <= from) return { ...result, period: wardPeriod(ward.id!, from, from, [], []) };
    const [changes, discharged] = await this.deps.repository.reading(
      ctx,
      async (db) =>
        [
          await bedStore.wardHistory(db, ctx.tenantId, ward.id!, from, to),
          await bedStore.dischargedStays(db, ctx.tenantId, ward.id!, from, to),
        ] as const,
    );
    return { ...result, period: wardPeriod(ward.id!, from, to, changes, discharged) };
  }

  /** Wards, rooms and beds the caller may read (Locations by physicalType; inactive ones left out). */
  private async structure(ctx: FhirContext, wardId?: string) {
    let wards: Location[];
    let rooms: Location[];
    if (wardId) {
      wards = [await this.deps.beds.bed(ctx, wardId, 'ward')];
      rooms = await this.locations(ctx, [['partof', `Location/${wardId}`]]);
    } else {
      const all = await this.locations(ctx, []);
      wards = all.filter((location) => levelOf(location) === 'ward');
      rooms = all.filter((location) => levelOf(location) === 'room');
    }
    rooms = rooms.filter((room) => levelOf(room) === 'room');
    const roomIds = rooms.map((room) => `Location/${room.id}`);
    const beds = roomIds.length
      ? (await this.locations(ctx, [['partof', roomIds.join(',')]])).filter((bed) => levelOf(bed) === 'bed')
      : [];
    const roomSet = new Set(rooms.map((room) => room.id));
    return { wards, rooms, beds: beds.filter((bed) => roomSet.has(idOf(bed.partOf?.reference))) };
  }

  private async locations(ctx: FhirContext, params: [string, string][]): Promise<Location[]> {
    const bundle: Bundle = await this.deps.search.search(
      ctx,
      {
        resourceType: 'Location',
        params: [...params, ['status:not', 'inactive'], ['_count', '1000'], ['_total', 'none']],
        handling: 'strict',
      },
      '',
    );
    return (bundle.entry ?? []).map((entry) => entry.resource as Location);
  }

  /** The patients among `ids` the caller may read (none when they may not read Patients at all). */
  private async readablePatients(ctx: FhirContext, ids: string[]): Promise<Map<string, Patient>> {
    if (!ids.length) return new Map();
    try {
      const bundle = await this.deps.search.search(
        ctx,
        {
          resourceType: 'Patient',
          params: [
            ['_id', ids.join(',')],
            ['_count', String(ids.length)],
            ['_total', 'none'],
          ],
          handling: 'strict',
        },
        '',
      );
      const patients = (bundle.entry ?? []).map((entry) => entry.resource as Patient);
      return new Map(patients.map((patient) => [patient.id!, patient]));
    } catch (error) {
      if (error instanceof FhirError && error.status === 403) return new Map();
      throw error;
    }
  }
}
