import { z } from 'zod';
import { PROBLEM_CLINICAL_STATUSES, PROBLEM_VERIFICATION_STATUSES } from './clinical-lists.rules';
import { fhirDateTime, note, referenceTo, statusList } from './clinical-lists.schemas';

/** An ICD-10-CM code: `"E11.9"` or `{ code, display?, system? }` (system, when given, must be ICD-10-CM). */
const icd10cm = z.union([
  z.string().trim().min(1).max(16),
  z.object({
    system: z.string().trim().min(1).max(200).optional(),
    code: z.string().trim().min(1).max(16),
    display: z.string().trim().min(1).max(500).optional(),
  }),
]);

const verificationStatus = z.enum(
  PROBLEM_VERIFICATION_STATUSES.filter((status) => status !== 'entered-in-error') as [string, ...string[]],
);

export const createProblemBody = z
  .object({
    code: icd10cm.optional(),
    text: z.string().trim().min(1).max(1000).optional(),
    clinicalStatus: z.enum(PROBLEM_CLINICAL_STATUSES).default('active'),
    verificationStatus: verificationStatus.default('confirmed'),
    severity: z.enum(['mild', 'moderate', 'severe']).optional(),
    onset: fhirDateTime.optional(),
    abatement: fhirDateTime.optional(),
    encounter: referenceTo('Encounter').optional(),
    note: note.optional(),
  })
  .refine((body) => body.code !== undefined || body.text !== undefined, {
    message: 'a problem needs an ICD-10-CM code or a text',
    path: ['code'],
  });
export type CreateProblemInput = z.output<typeof createProblemBody>;

const statusFields = {
  clinicalStatus: z.enum(PROBLEM_CLINICAL_STATUSES).optional(),
  verificationStatus: verificationStatus.optional(),
  /** When the change happened: the abatement of a resolved problem, the date of a recurrence. */
  date: fhirDateTime.optional(),
  note: note.optional(),
};

export const problemStatusBody = z
  .object(statusFields)
  .refine((body) => body.clinicalStatus || body.verificationStatus, {
    message: 'give a clinicalStatus or a verificationStatus',
    path: ['clinicalStatus'],
  });

/** An edit of a problem's details, its status with them: only what is given changes; null clears. */
export const editProblemBody = z
  .object({
    ...statusFields,
    onset: fhirDateTime.nullable().optional(),
    severity: z.enum(['mild', 'moderate', 'severe']).nullable().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'give at least one of onset, severity, clinicalStatus, verificationStatus, note',
    path: ['onset'],
  })
  .refine((body) => body.date === undefined || body.clinicalStatus !== undefined, {
    message: 'a date goes with the clinicalStatus it is the date of',
    path: ['date'],
  });
export type EditProblemInput = z.output<typeof editProblemBody>;
export type ProblemStatusInput = z.output<typeof problemStatusBody>;

export const dateAndNoteBody = z.object({ date: fhirDateTime.optional(), note: note.optional() });

export const problemQuery = z.object({
  status: statusList(PROBLEM_CLINICAL_STATUSES).optional(),
  verificationStatus: statusList(PROBLEM_VERIFICATION_STATUSES).optional(),
});
