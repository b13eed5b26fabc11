import { z } from 'zod';
import { isResourceType } from '../../fhir';
import { isRole, type Role } from '../identity';

/** The interactions a policy rule can name; operations are named `$name`. */
export const INTERACTIONS = ['read', 'vread', 'search', 'history', 'create', 'update', 'patch', 'delete'] as const;

const interaction = z
  .string()
  .refine(
    (value) =>
      value === '*' || (INTERACTIONS as readonly string[]).includes(value) || /^\$[a-z][a-z0-9-]{0,63}$/.test(value),
    'must be *, read, vread, search, history, create, update, patch, delete or an operation such as $everything',
  );

const resource = z
  .string()
  .refine(
    (value) => value === '*' || value === 'System' || isResourceType(value),
    'must be * or a FHIR R4 resource type',
  );

export const policyRule = z.strictObject({
  // A refinement, not z.enum(ROLES): identity imports this module's route rules, so ROLES may not be
  // initialised yet when this file is evaluated.
  role: z
    .string()
    .refine(isRole, 'must be one of the roles (physician, nurse, ...)')
    .transform((value) => value as Role),
  resources: z.array(resource).min(1).max(200),
  interactions: z.array(interaction).min(1).max(50),
  /** deny rules win over allow rules of the same role. */
  effect: z.enum(['allow', 'deny']).default('allow'),
});

/**
 * A tenant's access policy. `clinicianAccess`: 'all' lets physicians and nurses see every patient of the
 * tenant (each access audited); 'care-team' only the patients whose care team, encounters or managing
 * organisation they belong to. Consent restrictions and break-the-glass apply in both.
 */
export const policyDocument = z.strictObject({
  clinicianAccess: z.enum(['all', 'care-team']).default('all'),
  rules: z.array(policyRule).max(500),
});

export type PolicyRule = z.output<typeof policyRule>;
export type PolicyDocument = z.output<typeof policyDocument>;

export const breakGlassBody = z.strictObject({
  patient: z
    .string()
    .regex(/^(Patient\/)?[A-Za-z0-9\-.]{1,64}$/, 'must be a Patient id or Patient/<id>')
    .transform((value) => value.replace(/^Patient\//, '')),
  reason: z.string().trim().min(10, 'state the reason in a few words (10 characters at least)').max(1000),
});
