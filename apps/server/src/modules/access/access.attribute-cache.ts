import type { Consent } from '@medplum/fhirtypes';

/** How long attribute facts are reused, at most, when no write in this process says they changed. */
export const ATTRIBUTE_CACHE_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** Writes of these types change who a practitioner cares for. */
const CARE_TYPES = new Set(['CareTeam', 'Encounter', 'PractitionerRole', 'Patient']);

interface Entry<T> {
  until: number;
  value: Promise<T>;
}

/**
 * The tenant facts the attribute rules read on every request, shared between requests for a few seconds:
 * a tenant's active Consents and each practitioner's care-team patients. A write in this process drops
 * what it changes at once; other processes see it within ATTRIBUTE_CACHE_MS. Per-caller facts that must
 * hold at once everywhere (break-the-glass grants) are not cached here.
 */
export class AttributeCache {
  private readonly consents = new Map<string, Entry<Consent[]>>();
  private readonly careTeams = new Map<string, Entry<string[]>>();

  constructor(
    private readonly ttlMs = ATTRIBUTE_CACHE_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  consentsOf(tenantId: string, load: () => Promise<Consent[]>): Promise<Consent[]> {
    return this.remember(this.consents, tenantId, load);
  }

  careTeamOf(tenantId: string, practitionerId: string, load: () => Promise<string[]>): Promise<string[]> {
    return this.remember(this.careTeams, `${tenantId}|${practitionerId}`, load);
  }

  /** Called for every write (inside its transaction): forgets what the written types may have changed. */
  written(tenantId: string, resourceTypes: Iterable<string>): void {
    for (const type of resourceTypes) {
      if (type === 'Consent') this.consents.delete(tenantId);
      if (CARE_TYPES.has(type)) {
        for (const key of this.careTeams.keys()) if (key.startsWith(`${tenantId}|`)) this.careTeams.delete(key);
      }
    }
  }

  private remember<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const now = this.clock();
    const cached = map.get(key);
    if (cached && cached.until > now) return cached.value;
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string);
    const value = load();
    const entry = { until: now + this.ttlMs, value };
    map.set(key, entry);
    // A failed load is not remembered.
    value.catch(() => {
      if (map.get(key) === entry) map.delete(key);
    });
    return value;
  }
}
