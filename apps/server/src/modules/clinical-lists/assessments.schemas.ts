import { z } from 'zod';
import { BODY_SYSTEM_KEYS } from './assessments.catalog';
import { ASSESSMENT_PANELS } from './clinical-lists.rules';
import { bodySiteInput, codedInput, fhirDateTime, note, referenceTo } from './clinical-lists.schemas';

const kind = z.enum(Object.keys(ASSESSMENT_PANELS) as [keyof typeof ASSESSMENT_PANELS]);

export const createAssessmentBody = z
  .object({
    kind,
    status: z.enum(['preliminary', 'final']).default('final'),
    effective: fhirDateTime.optional(),
    encounter: referenceTo('Encounter').optional(),
    /** Each system examined or reviewed: normal or abnormal, with what was found. */
    systems: z
      .array(
        z
          .object({
            system: z.enum(BODY_SYSTEM_KEYS),
            status: z.enum(['normal', 'abnormal']),
            finding: z.string().trim().min(1).max(2000).optional(),
          })
          .refine((entry) => entry.status === 'normal' || entry.finding, {
            message: 'an abnormal system needs the finding',
            path: ['finding'],
          }),
      )
      .max(BODY_SYSTEM_KEYS.length)
      .default([]),
    /** Findings at a place in the body (SNOMED CT body structure or text) with its laterality. */
    findings: z
      .array(
        bodySiteInput.extend({
          system: z.enum(BODY_SYSTEM_KEYS),
          finding: codedInput,
          interpretation: z.enum(['normal', 'abnormal']).default('abnormal'),
        }),
      )
      .max(50)
      .default([]),
    note: note.optional(),
  })
  .refine((body) => body.systems.length || body.findings.length, {
    message: 'an assessment needs at least one system or finding',
    path: ['systems'],
  })
  .superRefine((body, context) => {
    body.systems.forEach((entry, index) => {
      if (body.systems.findIndex((other) => other.system === entry.system) !== index) {
        context.addIssue({
          code: 'custom',
          message: `${entry.system} is given twice`,
          path: ['systems', index, 'system'],
        });
      }
    });
  });
export type CreateAssessmentInput = z.output<typeof createAssessmentBody>;

export const assessmentQuery = z.object({
  kind: kind.optional(),
  includeEnteredInError: z.enum(['true', 'false']).optional(),
});
