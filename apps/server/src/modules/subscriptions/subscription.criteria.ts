import type { Subscription } from '@medplum/fhirtypes';
import { FhirError, isResourceType, type WriteGuard } from '../../fhir';

export interface Criteria {
  resourceType: string;
  params: [string, string][];
}

/** Parameters that shape a result page rather than say what matches: meaningless in a criteria. */
const RESULT_PARAMS = new Set([
  '_count',
  '_sort',
  '_include',
  '_revinclude',
  '_summary',
  '_elements',
  '_total',
  '_contained',
  '_cursor',
]);

/** `Observation?code=http://loinc.org|1234-5&subject=Patient/1` → type and parameters (or a reason it is not one). */
export function parseCriteria(criteria: string | undefined): Criteria | { error: string } {
  const text = criteria?.trim() ?? '';
  const at = text.indexOf('?');
  const resourceType = at < 0 ? text : text.slice(0, at);
  if (!resourceType || !isResourceType(resourceType)) {
    return { error: `'${resourceType}' is not a FHIR R4 resource type (criteria is Type?param=value&…)` };
  }
  const params = at < 0 ? [] : [...new URLSearchParams(text.slice(at + 1)).entries()];
  const shaping = params.find(([name]) => RESULT_PARAMS.has(name));
  if (shaping) return { error: `${shaping[0]} shapes a result page and has no place in a criteria` };
  return { resourceType, params };
}

const SUPPORTED_CHANNELS = ['rest-hook', 'websocket'];

function refuse(message: string, expression: string): never {
  throw new FhirError(
    422,
    [{ severity: 'error', code: 'business-rule', diagnostics: message, expression: [expression] }],
    'FHIR_BUSINESS_RULE',
  );
}

/**
 * Subscriptions Meridian can honour: a criteria naming a resource type, a rest-hook (http(s) endpoint) or
 * websocket channel. Whether the criteria's parameters are searchable is checked on activation, by the
 * search engine itself (an unknown parameter then sets status `error`).
 */
export const subscriptionWriteGuard: WriteGuard = ({ after }) => {
  if (!after) return;
  const subscription = after as Subscription;
  const parsed = parseCriteria(subscription.criteria);
  if ('error' in parsed) refuse(parsed.error, 'Subscription.criteria');
  const channel = subscription.channel;
  if (!SUPPORTED_CHANNELS.includes(channel?.type ?? '')) {
    refuse(`channel type '${channel?.type}' is not supported (rest-hook or websocket)`, 'Subscription.channel.type');
  }
  if (channel.type === 'rest-hook' && !/^https?:\/\/[^\s]+$/i.test(channel.endpoint ?? '')) {
    refuse('a rest-hook channel needs an http(s) endpoint', 'Subscription.channel.endpoint');
  }
  const payload = channel.payload;
  if (payload && !['application/fhir+json', 'application/json'].includes(payload)) {
    refuse(`payload '${payload}' is not supported (empty, or application/fhir+json)`, 'Subscription.channel.payload');
  }
};
