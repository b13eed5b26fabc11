import type { HttpClient } from '../api/http-client';
import type { ServerRole } from './users-api';

/** The interactions a rule can name besides `*` and operations (`$everything`, `$export`, ...). */
export const POLICY_INTERACTIONS = [
  'read',
  'vread',
  'search',
  'history',
  'create',
  'update',
  'patch',
  'delete',
] as const;

export interface PolicyRule {
  role: ServerRole | 'system';
  resources: string[];
  interactions: string[];
  effect: 'allow' | 'deny';
}

export interface PolicyDocument {
  clinicianAccess: 'all' | 'care-team';
  rules: PolicyRule[];
}

/** The tenant's policy as the server answers it; `version` 0 and source `default` until first changed. */
export interface PolicyView {
  source: 'default' | 'tenant';
  version: number;
  updatedAt?: string;
  updatedBy?: string;
  policy: PolicyDocument;
}

/** What a rule grants, in a line a person reads: "read, search of Patient, Encounter (+3 more)". */
export function describeRule(rule: PolicyRule, shown = 4): string {
  const interactions = rule.interactions.includes('*') ? 'everything' : rule.interactions.join(', ');
  const resources = rule.resources.includes('*')
    ? 'every resource type'
    : rule.resources.length > shown
      ? `${rule.resources.slice(0, shown).join(', ')} (+${rule.resources.length - shown} more)`
      : rule.resources.join(', ');
  return `${rule.effect === 'deny' ? 'Never' : 'May'} ${interactions} of ${resources}`;
}

/** Problems the server would refuse, found before saving; keyed by field. */
export function ruleProblems(
  rule: Partial<PolicyRule>,
): Partial<Record<'role' | 'resources' | 'interactions', string>> {
  const problems: Partial<Record<'role' | 'resources' | 'interactions', string>> = {};
  if (!rule.role) problems.role = 'Choose a role';
  if (!rule.resources?.length) problems.resources = 'Choose at least one resource type, or *';
  if (!rule.interactions?.length) problems.interactions = 'Choose at least one interaction, or *';
  const badOperation = rule.interactions?.find(
    (value) =>
      value !== '*' &&
      !(POLICY_INTERACTIONS as readonly string[]).includes(value) &&
      !/^\$[a-z][a-z0-9-]{0,63}$/.test(value),
  );
  if (badOperation) problems.interactions = `'${badOperation}' is not an interaction or an operation like $everything`;
  return problems;
}

/** The server's field path of a rule (`rules.3.resources.0`) as the rule's index and field. */
export function rulePath(path: unknown): { index: number; field: string } | undefined {
  const match = typeof path === 'string' ? /^rules\.(\d+)\.(\w+)/.exec(path) : null;
  return match ? { index: Number(match[1]), field: match[2]! } : undefined;
}

export function policiesApi(http: HttpClient) {
  return {
    async read(signal?: AbortSignal): Promise<{ view: PolicyView; etag: string }> {
      const response = await http.request<PolicyView>('/access/policies', signal ? { signal } : {});
      return { view: response.body, etag: response.headers.get('etag') ?? `W/"${response.body.version}"` };
    },
    /** Replaces the policy; refused (412) when someone else changed it since `etag`. */
    async replace(policy: PolicyDocument, etag: string): Promise<{ view: PolicyView; etag: string }> {
      const response = await http.request<PolicyView>('/access/policies', {
        method: 'PUT',
        body: { policy },
        headers: { 'if-match': etag },
      });
      return { view: response.body, etag: response.headers.get('etag') ?? `W/"${response.body.version}"` };
    },
  };
}
