import { z } from 'zod';
import { codedInput, fhirDate, fhirDateTime, note, referenceTo, statusList } from './clinical-lists.schemas';

/** Why a vaccine was not given (HL7 v3 ActReason, as FHIR's immunization-status-reason value set). */
export const NOT_GIVEN_REASONS = {
  IMMUNE: 'immunity',
  MEDPREC: 'medical precaution',
  OSTOCK: 'product out of stock',
  PATOBJ: 'patient objection',
} as const;

/** Where it was given (HL7 v3 ActSite, as FHIR's immunization-site value set). */
export const SITES = {
  LA: 'left arm',
  RA: 'right arm',
  LD: 'left deltoid',
  RD: 'right deltoid',
  LT: 'left thigh',
  RT: 'right thigh',
  LVL: 'left vastus lateralis',
  RVL: 'right vastus lateralis',
  LG: 'left gluteus medius',
  RG: 'right gluteus medius',
} as const;

/** How (HL7 v3 RouteOfAdministration, as FHIR's immunization-route value set). */
export const ROUTES = {
  IM: 'Injection, intramuscular',
  SQ: 'Injection, subcutaneous',
  IDINJ: 'Injection, intradermal',
  IVINJ: 'Injection, intravenous',
  NASINHLC: 'Inhalation, nasal',
  PO: 'Swallow, oral',
  TRNSDERMD: 'Transdermal',
} as const;

const keys = <T extends Record<string, string>>(table: T) =>
  Object.keys(table) as [keyof T & string, ...(keyof T & string)[]];

export const createImmunizationBody = z
  .object({
    /** A CVX code: `"208"` or `{ code, display? }`. */
    vaccine: z.union([
      z.string().trim().min(1).max(8),
      z.object({ code: z.string().trim().min(1).max(8), display: z.string().trim().min(1).max(500).optional() }),
    ]),
    status: z.enum(['completed', 'not-done']).default('completed'),
    statusReason: z.enum(keys(NOT_GIVEN_REASONS)).optional(),
    occurrence: fhirDateTime.optional(),
    lotNumber: z.string().trim().min(1).max(100).optional(),
    expirationDate: fhirDate.optional(),
    site: z.enum(keys(SITES)).optional(),
    route: z.enum(keys(ROUTES)).optional(),
    dose: z.object({ value: z.number().positive().max(1000), unit: z.enum(['mL', 'mg', 'ug']) }).optional(),
    doseNumber: z.number().int().positive().max(20).optional(),
    /** Who gave it (default: the caller, when they are a Practitioner). */
    performer: referenceTo('Practitioner').optional(),
    /** False for a history reported by the patient or another provider. */
    primarySource: z.boolean().default(true),
    reportOrigin: codedInput.optional(),
    encounter: referenceTo('Encounter').optional(),
    note: note.optional(),
  })
  .refine((body) => body.status !== 'not-done' || body.statusReason, {
    message: `a vaccine not given needs the reason (${Object.keys(NOT_GIVEN_REASONS).join(', ')})`,
    path: ['statusReason'],
  })
  .refine((body) => body.status !== 'not-done' || (!body.lotNumber && !body.site && !body.dose), {
    message: 'a vaccine not given has no lot, site or dose',
    path: ['status'],
  });
export type CreateImmunizationInput = z.output<typeof createImmunizationBody>;

export const immunizationQuery = z.object({
  status: statusList(['completed', 'not-done', 'entered-in-error'] as const).optional(),
  vaccine: z
    .string()
    .trim()
    .regex(/^[0-9]{1,3}$/, 'must be a CVX code')
    .optional(),
});
