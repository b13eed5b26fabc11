import { z } from 'zod';
import { PROCEDURE_STATUSES } from './clinical-lists.rules';
import { bodySiteInput, codedInput, fhirDateTime, note, referenceTo, statusList } from './clinical-lists.schemas';

const performed = z.union([fhirDateTime, z.object({ start: fhirDateTime, end: fhirDateTime.optional() })]);

const CREATE_STATUSES = ['preparation', 'in-progress', 'not-done', 'completed'] as const;

export const createProcedureBody = z
  .object({
    /** SNOMED CT, CPT or HCPCS coded, or free text. */
    code: codedInput,
    status: z.enum(CREATE_STATUSES).default('completed'),
    statusReason: codedInput.optional(),
    performed: performed.optional(),
    bodySites: z.array(bodySiteInput).max(10).default([]),
    /** Who did it (default: the caller, when they are a Practitioner). */
    performer: referenceTo('Practitioner').optional(),
    reason: codedInput.optional(),
    outcome: codedInput.optional(),
    encounter: referenceTo('Encounter').optional(),
    note: note.optional(),
  })
  .refine((body) => body.status !== 'not-done' || body.statusReason, {
    message: 'a procedure not done needs the reason',
    path: ['statusReason'],
  });
export type CreateProcedureInput = z.output<typeof createProcedureBody>;

export const procedureStatusBody = z.object({
  status: z.enum(PROCEDURE_STATUSES.filter((s) => s !== 'entered-in-error') as [string, ...string[]]),
  /** When it ended (completed, stopped) or started (in-progress). */
  date: fhirDateTime.optional(),
  statusReason: codedInput.optional(),
  note: note.optional(),
});
export type ProcedureStatusInput = z.output<typeof procedureStatusBody>;

export const procedureQuery = z.object({
  status: statusList(PROCEDURE_STATUSES).optional(),
});
