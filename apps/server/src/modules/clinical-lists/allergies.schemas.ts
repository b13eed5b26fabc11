import { z } from 'zod';
import { NO_KNOWN_ALLERGY } from './clinical-lists.codes';
import { ALLERGY_CLINICAL_STATUSES, ALLERGY_VERIFICATION_STATUSES } from './clinical-lists.rules';
import { codedInput, fhirDateTime, note, referenceTo, statusList } from './clinical-lists.schemas';

export const ALLERGY_CATEGORIES = ['food', 'medication', 'environment', 'biologic'] as const;
const verificationStatus = z.enum(['unconfirmed', 'confirmed', 'refuted']);

export const reactionBody = z.object({
  manifestations: z.array(codedInput).min(1).max(10),
  severity: z.enum(['mild', 'moderate', 'severe']).optional(),
  description: z.string().trim().min(1).max(2000).optional(),
  onset: fhirDateTime.optional(),
  substance: codedInput.optional(),
});
export type ReactionInput = z.output<typeof reactionBody>;

export const createAllergyBody = z.object({
  /** RxNorm, SNOMED CT or UNII coded, or free text. */
  substance: codedInput,
  type: z.enum(['allergy', 'intolerance']).optional(),
  category: z.array(z.enum(ALLERGY_CATEGORIES)).max(4).optional(),
  criticality: z.enum(['low', 'high', 'unable-to-assess']).optional(),
  clinicalStatus: z.enum(ALLERGY_CLINICAL_STATUSES).default('active'),
  verificationStatus: verificationStatus.default('confirmed'),
  onset: fhirDateTime.optional(),
  encounter: referenceTo('Encounter').optional(),
  reactions: z.array(reactionBody).max(20).default([]),
  note: note.optional(),
  /** Retire an active "no known allergy" record in the same change instead of being refused. */
  replaceNoKnownAllergies: z.boolean().default(false),
});
export type CreateAllergyInput = z.output<typeof createAllergyBody>;

export const noKnownAllergyBody = z.object({
  /** all (716186003), or only medication (NKDA), food or environment. */
  scope: z.enum(Object.keys(NO_KNOWN_ALLERGY) as [keyof typeof NO_KNOWN_ALLERGY]).default('all'),
  encounter: referenceTo('Encounter').optional(),
  note: note.optional(),
});
export type NoKnownAllergyInput = z.output<typeof noKnownAllergyBody>;

export const allergyStatusBody = z
  .object({
    clinicalStatus: z.enum(ALLERGY_CLINICAL_STATUSES).optional(),
    verificationStatus: verificationStatus.optional(),
    note: note.optional(),
    replaceNoKnownAllergies: z.boolean().default(false),
  })
  .refine((body) => body.clinicalStatus || body.verificationStatus, {
    message: 'give a clinicalStatus or a verificationStatus',
    path: ['clinicalStatus'],
  });
export type AllergyStatusInput = z.output<typeof allergyStatusBody>;

/**
 * An edit of an allergy: only what is given changes; null clears; `reactions` replaces the list
 * (send the ones to keep with their codes). Status changes follow the same rules as `…/status`.
 */
export const editAllergyBody = z
  .object({
    type: z.enum(['allergy', 'intolerance']).nullable().optional(),
    category: z.array(z.enum(ALLERGY_CATEGORIES)).max(4).optional(),
    criticality: z.enum(['low', 'high', 'unable-to-assess']).nullable().optional(),
    onset: fhirDateTime.nullable().optional(),
    reactions: z.array(reactionBody).max(20).optional(),
    clinicalStatus: z.enum(ALLERGY_CLINICAL_STATUSES).optional(),
    verificationStatus: verificationStatus.optional(),
    note: note.optional(),
    replaceNoKnownAllergies: z.boolean().default(false),
  })
  .refine(
    ({ replaceNoKnownAllergies: _replace, ...body }) => Object.values(body).some((value) => value !== undefined),
    {
      message:
        'give at least one of type, category, criticality, onset, reactions, clinicalStatus, verificationStatus, note',
      path: ['criticality'],
    },
  );
export type EditAllergyInput = z.output<typeof editAllergyBody>;

export const allergyQuery = z.object({
  status: statusList(ALLERGY_CLINICAL_STATUSES).optional(),
  verificationStatus: statusList(ALLERGY_VERIFICATION_STATUSES).optional(),
  category: statusList(ALLERGY_CATEGORIES).optional(),
  type: z.enum(['allergy', 'intolerance']).optional(),
});
