import { FHIR_BASE } from '../api/fhir-client';
import { normaliseRoles } from '../auth/roles';
import { CHART_BANNER_LISTS, chartSearchParams } from '../chart/chart-requests';

type Fetch = typeof fetch;

// An early answer is used only while the query cache would still call it fresh (App's staleTime): past
// that, the screen asks again, as it would have without it.
export const EARLY_ANSWER_LIFETIME_MS = 30_000;

interface EarlyAnswer {
  answer: Promise<Response>;
  startedAt: number;
  /** A refusal is an answer too (a 401 from /auth/me says "signed out"); for data it only means "ask again". */
  keepRefusals: boolean;
}

/**
 * GET requests started before the app's JavaScript has run, handed to the app's HttpClient (through
 * `fetch`) when it asks for the same path: each answer once, and only a successful one unless told
 * otherwise, so a refused early request never becomes an error on screen or in the query cache.
 */
export class EarlyRequests {
  private readonly answers = new Map<string, EarlyAnswer>();

  constructor(
    private readonly fetchImpl: Fetch,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(path: string, { accept = 'application/json', keepRefusals = false } = {}): Promise<Response> {
    const answer = this.fetchImpl(path, {
      headers: { accept, 'x-request-id': crypto.randomUUID() },
      credentials: 'same-origin',
    });
    // Nobody may take it (a signed-out visitor): a failure here must not surface as an unhandled rejection.
    answer.catch(() => undefined);
    this.answers.set(path, { answer, startedAt: this.now(), keepRefusals });
    return answer;
  }

  /** A fetch for HttpClient: a GET of a path started early is answered from that request, once. */
  readonly fetch: Fetch = (input, init) => {
    const path = typeof input === 'string' ? input : undefined;
    const early = path && (init?.method ?? 'GET') === 'GET' ? this.answers.get(path) : undefined;
    if (!path || !early) return this.fetchImpl(input, init);
    this.answers.delete(path);
    if (this.now() - early.startedAt > EARLY_ANSWER_LIFETIME_MS) return this.fetchImpl(input, init);
    return early.answer.then(
      (response) => (response.ok || early.keepRefusals ? response : this.fetchImpl(input, init)),
      () => this.fetchImpl(input, init),
    );
  };
}

/** The patient whose chart an address opens (`/patients/{id}`, not `/patients/new`), and its tab. */
export function chartAddress(pathname: string, search: string): { patientId: string; tab: string } | undefined {
  const match = /^\/patients\/([^/]+)\/?$/.exec(pathname);
  const patientId = match?.[1] ? decodeURIComponent(match[1]) : undefined;
  if (!patientId || patientId === 'new') return undefined;
  return { patientId, tab: new URLSearchParams(search).get('tab') ?? 'conditions' };
}

/**
 * What the chart's first screen reads for one patient, as the paths FhirClient asks for them: the patient,
 * the banner's lists and, on the Conditions tab (the default), its list.
 */
export function chartFirstScreenPaths(patientId: string, tab: string): string[] {
  const query = `?${new URLSearchParams(chartSearchParams(patientId))}`;
  const lists = [...CHART_BANNER_LISTS, ...(tab === 'conditions' ? ['Condition'] : [])];
  return [
    `${FHIR_BASE}/Patient/${encodeURIComponent(patientId)}`,
    ...lists.map((resourceType) => `${FHIR_BASE}/${resourceType}${query}`),
  ];
}

/**
 * True when /auth/me's principal holds a staff role: a person whose only role is patient is sent to the
 * portal, so reading a staff chart for them would only leave refused reads in the audit trail.
 */
export function opensStaffScreens(principal: unknown): boolean {
  return normaliseRoles((principal as { roles?: unknown } | null)?.roles).some((role) => role !== 'patient');
}
