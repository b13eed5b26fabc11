import type { AuditEvent, Bundle } from '@medplum/fhirtypes';

/** One audit record as the audit trail table shows it. */
export interface AuditRow {
  id: string;
  seq: number | undefined;
  recorded: string;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  userId: string | undefined;
  clientId: string | undefined;
  roles: string[];
  resource: string | undefined;
  patientId: string | undefined;
  ip: string | undefined;
  purposeOfUse: string | undefined;
  status: number | undefined;
  detail: string | undefined;
}

const OUTCOMES: Record<string, AuditRow['outcome']> = { '0': 'success', '4': 'failure', '8': 'denied' };
const EXTENSION = 'https://meridian.health/fhir/StructureDefinition/';

function extensionInteger(event: AuditEvent, name: string): number | undefined {
  return event.extension?.find((extension) => extension.url === `${EXTENSION}${name}`)?.valueInteger;
}

/** Reads Meridian's AuditEvent shape (see the server's audit.fhir.ts) back into a flat row. */
export function auditRow(event: AuditEvent): AuditRow {
  const agent = event.agent?.[0];
  const identifier = agent?.who?.identifier;
  const patientEntity = event.entity?.find((entity) => entity.what?.reference?.startsWith('Patient/') && entity.role);
  const objectEntity = event.entity?.find((entity) => entity.type?.code === '2');
  return {
    id: event.id ?? '',
    seq: extensionInteger(event, 'audit-sequence'),
    recorded: event.recorded,
    action: event.subtype?.[0]?.code ?? event.action ?? 'unknown',
    outcome: OUTCOMES[event.outcome ?? ''] ?? 'failure',
    userId: identifier?.system === 'urn:meridian:user' ? identifier.value : undefined,
    clientId: identifier?.system === 'urn:meridian:client' ? identifier.value : undefined,
    roles: (agent?.role ?? []).flatMap((role) => role.coding?.map((coding) => coding.code ?? '') ?? []).filter(Boolean),
    resource: objectEntity?.what?.reference,
    patientId: patientEntity?.what?.reference?.slice('Patient/'.length),
    ip: agent?.network?.address,
    purposeOfUse: event.purposeOfEvent?.[0]?.coding?.[0]?.code,
    status: extensionInteger(event, 'http-status'),
    detail: event.outcomeDesc,
  };
}

export function auditRows(bundle: Bundle<AuditEvent>): AuditRow[] {
  return (bundle.entry ?? []).flatMap((entry) => (entry.resource ? [auditRow(entry.resource)] : []));
}

/** The filters of the audit trail screen, as they sit in the address bar. */
export interface AuditFilter {
  patient?: string;
  user?: string;
  action?: string;
  outcome?: 'success' | 'failure' | 'denied';
  /** Dates (YYYY-MM-DD), both days included. */
  from?: string;
  to?: string;
  page?: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const OUTCOME_VALUES = ['success', 'failure', 'denied'];

/** Keeps only well-formed filters from the address bar; anything else is dropped rather than sent. */
export function parseAuditFilter(search: Record<string, unknown>): AuditFilter {
  const text = (key: string) => {
    const value = search[key];
    return typeof value === 'string' && value.trim() ? value.trim().slice(0, 200) : undefined;
  };
  const filter: AuditFilter = {};
  const patient = text('patient')?.replace(/^Patient\//, '');
  if (patient) filter.patient = patient;
  const user = text('user');
  if (user) filter.user = user;
  const action = text('action');
  if (action) filter.action = action;
  const outcome = text('outcome');
  if (outcome && OUTCOME_VALUES.includes(outcome)) filter.outcome = outcome as AuditFilter['outcome'];
  const from = text('from');
  if (from && DAY.test(from)) filter.from = from;
  const to = text('to');
  if (to && DAY.test(to)) filter.to = to;
  const page = Number(search.page);
  if (Number.isInteger(page) && page > 1) filter.page = page;
  return filter;
}

/** The instant a UTC calendar day ends (the server's `to` is exclusive). */
function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString();
}

/**
 * The query for GET /audit/events. Dates are the admin's calendar days in UTC; `to` covers its whole day.
 * `extra` asks for one more record than shown, to know whether a next page exists.
 */
export function auditQuery(filter: AuditFilter, pageSize: number, options: { csv?: boolean } = {}): string {
  const query = new URLSearchParams();
  if (filter.patient) query.set('patient', filter.patient);
  if (filter.user) query.set('user', filter.user);
  if (filter.action) query.set('action', filter.action);
  if (filter.outcome) query.set('outcome', filter.outcome);
  if (filter.from) query.set('from', `${filter.from}T00:00:00Z`);
  if (filter.to) query.set('to', nextDay(filter.to));
  if (options.csv) {
    query.set('_format', 'csv');
    query.set('_count', '1000');
  } else {
    query.set('_count', String(pageSize + 1));
    query.set('_offset', String(((filter.page ?? 1) - 1) * pageSize));
  }
  return `/audit/events?${query}`;
}

/** A file name that says what the export holds. */
export function csvFileName(filter: AuditFilter, now = new Date()): string {
  const parts = ['audit'];
  if (filter.patient) parts.push(`patient-${filter.patient}`);
  if (filter.user) parts.push(`user-${filter.user.slice(0, 8)}`);
  if (filter.action) parts.push(filter.action);
  parts.push(now.toISOString().slice(0, 10));
  return `${parts.join('_').replace(/[^A-Za-z0-9_.-]+/g, '-')}.csv`;
}

const ACTION_LABELS: Record<string, string> = {
  read: 'Read',
  vread: 'Read version',
  search: 'Search',
  history: 'History',
  create: 'Create',
  update: 'Update',
  patch: 'Patch',
  delete: 'Delete',
  transaction: 'Transaction',
  login: 'Sign-in',
  'login-failed': 'Failed sign-in',
  logout: 'Sign-out',
  'refresh-reuse': 'Refresh token reused',
  'password-change': 'Password change',
  'mfa-enrolled': 'Two-factor on',
  'mfa-reset': 'Two-factor reset',
  'sessions-revoke': 'Sign-ins ended',
  'user-roles-change': 'Roles changed',
  'user-deactivate': 'User deactivated',
  'user-reactivate': 'User reactivated',
};

export function actionLabel(action: string): string {
  if (action.startsWith('operation:')) return `$${action.slice('operation:'.length)}`;
  return ACTION_LABELS[action] ?? action;
}

/** Actions the filter offers; the field also takes any other action name typed in. */
export const COMMON_ACTIONS = Object.keys(ACTION_LABELS);
