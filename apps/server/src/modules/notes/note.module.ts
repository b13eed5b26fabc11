import type { FastifyInstance } from 'fastify';
import type { FhirServices } from '../../fhir';
import type { AuditService } from '../audit';
import { compositionWriteGuard } from './note.guard';
import { registerNoteRoutes } from './note.routes';
import { NoteService } from './note.service';

export interface NotesModuleOptions {
  fhir: FhirServices;
  audit: AuditService;
  now?: (() => Date) | undefined;
}

/** Clinical notes over FHIR Composition, and the guard that keeps signed ones read-only. */
export function registerNotesModule(app: FastifyInstance, options: NotesModuleOptions): NoteService {
  options.fhir.repository.addWriteGuard('Composition', compositionWriteGuard);
  const service = new NoteService({
    repository: options.fhir.repository,
    search: options.fhir.search,
    audit: options.audit,
    ...(options.now ? { now: options.now } : {}),
  });
  registerNoteRoutes(app, service);
  return service;
}
