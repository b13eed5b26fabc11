import type { CodeableConcept } from '@medplum/fhirtypes';
import { z } from 'zod';
import { encounterErrors } from './encounter.errors';
import { ENCOUNTER_STATUSES } from './encounter.state';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** A reference to a `type` resource: `Type/id` or a bare id. Normalised to `Type/id`. */
export function referenceTo(type: string) {
  return z
    .string()
    .trim()
    .transform((value, context) => {
      const id = value.startsWith(`${type}/`) ? value.slice(type.length + 1) : value;
      if (!ID.test(id)) {
        context.addIssue({ code: 'custom', message: `must be a ${type} reference (${type}/<id>)` });
        return z.NEVER;
      }
      return `${type}/${id}`;
    });
}

const coding = z.object({
  system: z.string().url().optional(),
  code: z.string().min(1).max(200).optional(),
  display: z.string().min(1).max(500).optional(),
});

/** A coded value or free text: `"chest pain"`, `{ "system", "code", "display" }` or `{ "coding", "text" }`. */
export const codeable = z
  .union([
    z.string().trim().min(1).max(1000),
    coding.extend({ text: z.string().min(1).max(1000).optional() }),
    z.object({ coding: z.array(coding).min(1).max(10), text: z.string().min(1).max(1000).optional() }),
  ])
  .transform((value): CodeableConcept => {
    if (typeof value === 'string') return { text: value };
    if ('coding' in value) return value;
    const { text, ...single } = value;
    return { ...(Object.keys(single).length ? { coding: [single] } : {}), ...(text ? { text } : {}) };
  });

/** Encounter.class codes of HL7 v3 ActEncounterCode. */
export const ENCOUNTER_CLASSES = {
  AMB: 'ambulatory',
  EMER: 'emergency',
  FLD: 'field',
  HH: 'home health',
  IMP: 'inpatient encounter',
  ACUTE: 'inpatient acute',
  NONAC: 'inpatient non-acute',
  OBSENC: 'observation encounter',
  PRENC: 'pre-admission',
  SS: 'short stay',
  VR: 'virtual',
} as const;

export const createEncounterBody = z.object({
  patient: referenceTo('Patient'),
  class: z.enum(Object.keys(ENCOUNTER_CLASSES) as [keyof typeof ENCOUNTER_CLASSES]),
  type: codeable.optional(),
  reason: z.union([codeable, z.array(codeable).max(20)]).optional(),
  attending: referenceTo('Practitioner').optional(),
  participants: z.array(referenceTo('Practitioner')).max(50).optional(),
  location: referenceTo('Location').optional(),
  appointment: referenceTo('Appointment').optional(),
});
export type CreateEncounterInput = z.output<typeof createEncounterBody>;

export const transitionBody = z.object({
  to: z.enum(ENCOUNTER_STATUSES),
  reason: z.string().trim().min(1).max(1000).optional(),
});

export const participantsBody = z.object({
  attending: referenceTo('Practitioner').optional(),
  participants: z.array(referenceTo('Practitioner')).max(50).default([]),
});

export const locationBody = z.object({ location: referenceTo('Location') });

export const reasonBody = z.object({ reason: z.array(codeable).max(20) });

/** Encounter.diagnosis.use codes (http://terminology.hl7.org/CodeSystem/diagnosis-role). */
export const DIAGNOSIS_ROLES = ['AD', 'DD', 'CC', 'CM', 'pre-op', 'post-op', 'billing'] as const;

export const diagnosisBody = z.object({
  condition: referenceTo('Condition'),
  use: z.enum(DIAGNOSIS_ROLES).optional(),
  rank: z.number().int().min(1).max(100).optional(),
});

export function parseBody<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  throw encounterErrors.invalidRequest(`${path ? `${path}: ` : ''}${first.message}`, path || undefined);
}
