import { AppError } from '../../platform/http';
import type { BedStatus } from './beds.status';

/** Error codes of the bed board (also listed in docs/errors.md). */
export const bedErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'BEDS_INVALID_REQUEST', message, path ? { path } : undefined),
  notFound: (what: 'ward' | 'room' | 'bed', id: string, path?: string) =>
    new AppError(404, 'BEDS_NOT_FOUND', `No ${what} '${id}'`, path ? { path } : undefined),
  referenceNotFound: (path: string, reference: string) =>
    new AppError(422, 'BEDS_REFERENCE_NOT_FOUND', `${path}: ${reference} does not exist`, { path }),
  referenceMismatch: (path: string, message: string) =>
    new AppError(422, 'BEDS_REFERENCE_MISMATCH', `${path}: ${message}`, { path }),
  /** The bed is not in a state that allows the move (occupied, blocked, being cleaned, ...). */
  bedUnavailable: (bedId: string, status: BedStatus, wanted: string, reason?: string) =>
    new AppError(
      409,
      'BEDS_BED_UNAVAILABLE',
      `Bed '${bedId}' is ${status}${reason ? ` (${reason})` : ''}: it cannot be ${wanted}`,
      { path: 'bed', bed: bedId, bedStatus: status, ...(reason ? { reason } : {}) },
    ),
  occupied: (bedId: string) =>
    new AppError(409, 'BEDS_BED_OCCUPIED', `Bed '${bedId}' already holds a patient`, { path: 'bed', bed: bedId }),
  alreadyInBed: (path: string) =>
    new AppError(409, 'BEDS_ALREADY_IN_BED', `${path}: the patient already lies in a bed; transfer them instead`, {
      path,
    }),
  notInBed: (path: string) =>
    new AppError(409, 'BEDS_NOT_IN_BED', `${path}: no patient lies in a bed for this stay`, { path }),
  encounterClosed: (status: string) =>
    new AppError(409, 'BEDS_ENCOUNTER_CLOSED', `The encounter is ${status}: it cannot be admitted to a bed`, {
      path: 'encounter',
      encounterStatus: status,
    }),
  conflict: () =>
    new AppError(409, 'BEDS_CONFLICT', 'The bed or the stay was changed by another request at the same moment; retry'),
};
