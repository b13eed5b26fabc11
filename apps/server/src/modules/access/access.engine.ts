import { createMongoAbility, type MongoAbility, type RawRuleOf } from '@casl/ability';
import type { RowFilter } from '../../fhir';
import type { Role } from '../identity';
import type { PolicyDocument } from './access.schemas';

type Ability = MongoAbility<[string, string]>;

/**
 * A tenant's policy compiled into one CASL ability per role: `can(interaction, resourceType)`. Compiled
 * once per tenant and policy version (see AccessService's cache), so a decision is a lookup. In a rule,
 * '*' is CASL's `manage` (any interaction) or `all` (any type, and 'System' for system-level operations);
 * deny rules come after allow rules, so they win.
 */
export class CompiledPolicy {
  private readonly abilities = new Map<string, Ability>();

  constructor(
    readonly document: PolicyDocument,
    readonly version: number,
  ) {
    const byRole = new Map<string, RawRuleOf<Ability>[]>();
    const ordered = [
      ...document.rules.filter((rule) => rule.effect !== 'deny'),
      ...document.rules.filter((rule) => rule.effect === 'deny'),
    ];
    for (const rule of ordered) {
      const rules = byRole.get(rule.role) ?? [];
      rules.push({
        action: rule.interactions.map((interaction) => (interaction === '*' ? 'manage' : interaction)),
        subject: rule.resources.map((resource) => (resource === '*' ? 'all' : resource)),
        inverted: rule.effect === 'deny',
      });
      byRole.set(rule.role, rules);
    }
    for (const [role, rules] of byRole) this.abilities.set(role, createMongoAbility<Ability>(rules));
  }

  allows(role: Role, interaction: string, resourceType: string): boolean {
    return this.abilities.get(role)?.can(interaction, resourceType) ?? false;
  }
}

const ALL: RowFilter = { kind: 'all' };

/** Rows either filter lets through (a caller with two roles sees what either role sees). */
export function unionFilters(a: RowFilter, b: RowFilter): RowFilter {
  if (a.kind === 'all' || b.kind === 'all') return ALL;
  if (a.kind === 'only' && b.kind === 'only')
    return { kind: 'only', patients: [...new Set([...a.patients, ...b.patients])] };
  if (a.kind === 'except' && b.kind === 'except') {
    const other = new Set(b.patients);
    return { kind: 'except', patients: a.patients.filter((patient) => other.has(patient)) };
  }
  const only = (a.kind === 'only' ? a : b).patients;
  const except = (a.kind === 'except' ? a : b).patients;
  const allowed = new Set(only);
  return { kind: 'except', patients: except.filter((patient) => !allowed.has(patient)) };
}

/** Rows both filters let through (a role's filter and a `patient/` scope's). */
export function intersectFilters(a: RowFilter, b: RowFilter): RowFilter {
  if (a.kind === 'all') return b;
  if (b.kind === 'all') return a;
  if (a.kind === 'only' && b.kind === 'only') {
    const other = new Set(b.patients);
    return { kind: 'only', patients: a.patients.filter((patient) => other.has(patient)) };
  }
  if (a.kind === 'except' && b.kind === 'except')
    return { kind: 'except', patients: [...new Set([...a.patients, ...b.patients])] };
  const only = (a.kind === 'only' ? a : b).patients;
  const excluded = new Set((a.kind === 'except' ? a : b).patients);
  return { kind: 'only', patients: only.filter((patient) => !excluded.has(patient)) };
}
