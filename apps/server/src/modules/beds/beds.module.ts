import type { FastifyInstance } from 'fastify';
import type { FhirServices } from '../../fhir';
import type { AuditService } from '../audit';
import { EncounterService } from '../encounters';
import { BoardService } from './beds.board';
import { watchBedWrites } from './beds.guard';
import { registerBedRoutes } from './beds.routes';
import { type BedEventPublisher, BedService } from './beds.service';

export interface BedsModuleOptions {
  fhir: FhirServices;
  audit: AuditService;
  /** Domain events (bed.occupied, bed.freed, bed.status-changed), published on each move's transaction. */
  events?: BedEventPublisher | undefined;
  now?: (() => Date) | undefined;
}

/** The bed board: wards, rooms and beds as FHIR Locations, admissions, transfers, discharges, statistics. */
export function registerBedsModule(app: FastifyInstance, options: BedsModuleOptions): BedService {
  const now = options.now ? { now: options.now } : {};
  watchBedWrites(options.fhir.repository);
  // The encounters module's own lifecycle (state machine, statusHistory, audit) for the visit's status.
  const encounters = new EncounterService({ repository: options.fhir.repository, audit: options.audit, ...now });
  const beds = new BedService({
    repository: options.fhir.repository,
    audit: options.audit,
    encounters,
    events: options.events,
    ...now,
  });
  const board = new BoardService({
    repository: options.fhir.repository,
    search: options.fhir.search,
    audit: options.audit,
    beds,
    ...now,
  });
  registerBedRoutes(app, beds, board);
  return beds;
}
