import { FhirError } from '../../fhir';
import { AppError } from '../../platform/http';

export const schedulingErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'SCHEDULING_INVALID_REQUEST', message, path ? { path } : undefined),
  notFound: (what: string, id: string) => new AppError(404, 'SCHEDULING_NOT_FOUND', `No ${what} '${id}'`),
  slotTaken: (slotId: string) =>
    new AppError(409, 'SCHEDULING_SLOT_TAKEN', `The slot '${slotId}' is already booked`, { slot: slotId }),
  conflict: (message: string) => new AppError(409, 'SCHEDULING_CONFLICT', message),
  invalidState: (status: string, action: string) =>
    new AppError(409, 'SCHEDULING_INVALID_STATE', `An appointment that is ${status} cannot be ${action}`, {
      status,
    }),
  forbidden: (message: string) => new AppError(403, 'SCHEDULING_FORBIDDEN', message),
  rule: (message: string, path: string) => new AppError(422, 'SCHEDULING_RULE', message, { path }),
  visitTypeMismatch: (message: string) =>
    new AppError(422, 'SCHEDULING_VISIT_TYPE_MISMATCH', message, { path: 'visitType' }),
  offerClosed: (status: string) =>
    new AppError(409, 'SCHEDULING_OFFER_CLOSED', `The offer is ${status}: it can no longer be accepted`, { status }),
};

/** The FHIR answer to an Appointment that would take a seat nobody has left (any write path). */
export function slotTakenOutcome(slotId: string, index: number): FhirError & { slotId: string } {
  const error = new FhirError(
    409,
    [
      {
        severity: 'error',
        code: 'conflict',
        diagnostics: `Slot/${slotId} is already booked`,
        expression: [`Appointment.slot[${index}]`],
      },
    ],
    'FHIR_SLOT_TAKEN',
  );
  return Object.assign(error, { slotId });
}
