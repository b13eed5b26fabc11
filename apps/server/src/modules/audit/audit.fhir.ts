import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import type { AuditRecord } from './audit.chain';

const ACTION_CODES: Record<string, AuditEvent['action']> = {
  create: 'C',
  read: 'R',
  vread: 'R',
  search: 'R',
  history: 'R',
  update: 'U',
  patch: 'U',
  delete: 'D',
};

const OUTCOME_CODES: Record<string, AuditEvent['outcome']> = { success: '0', failure: '4', denied: '8' };

const AUTH_ACTIONS = new Set(['login', 'logout', 'login-failed', 'refresh-reuse', 'mfa-enrolled', 'mfa-reset']);

/** One audit record as a FHIR AuditEvent: ids only, never the content of what was touched. */
export function toAuditEvent(record: AuditRecord): AuditEvent {
  const entity: NonNullable<AuditEvent['entity']> = [];
  if (record.patientId) {
    entity.push({
      what: { reference: `Patient/${record.patientId}` },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
    });
  }
  if (record.resourceType) {
    entity.push({
      what: { reference: record.resourceId ? `${record.resourceType}/${record.resourceId}` : record.resourceType },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
    });
  }
  const who = record.userId
    ? { identifier: { system: 'urn:meridian:user', value: record.userId } }
    : record.clientId
      ? { identifier: { system: 'urn:meridian:client', value: record.clientId } }
      : { display: 'anonymous' };
  const auth = AUTH_ACTIONS.has(record.action);
  return {
    resourceType: 'AuditEvent',
    id: record.id,
    type: auth
      ? { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114', display: 'User Authentication' }
      : {
          system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
          code: 'rest',
          display: 'RESTful Operation',
        },
    subtype: [
      {
        system: auth ? 'urn:meridian:audit-action' : 'http://hl7.org/fhir/restful-interaction',
        code: record.action,
      },
    ],
    action: ACTION_CODES[record.action] ?? 'E',
    recorded: record.recordedAt,
    outcome: OUTCOME_CODES[record.outcome] ?? '4',
    ...(record.detail ? { outcomeDesc: record.detail } : {}),
    ...(record.purposeOfUse
      ? {
          purposeOfEvent: [
            { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: record.purposeOfUse }] },
          ],
        }
      : {}),
    agent: [
      {
        who,
        requestor: true,
        ...(record.roles.length
          ? { role: record.roles.map((role) => ({ coding: [{ system: 'urn:meridian:role', code: role }] })) }
          : {}),
        ...(record.ip ? { network: { address: record.ip, type: '2' as const } } : {}),
      },
    ],
    source: {
      observer: { display: 'Meridian' },
      type: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
          code: '4',
          display: 'Application Server',
        },
      ],
    },
    ...(entity.length ? { entity } : {}),
    extension: [
      { url: 'https://meridian.health/fhir/StructureDefinition/audit-sequence', valueInteger: record.seq },
      ...(record.status !== null
        ? [{ url: 'https://meridian.health/fhir/StructureDefinition/http-status', valueInteger: record.status }]
        : []),
      ...(record.requestId
        ? [{ url: 'https://meridian.health/fhir/StructureDefinition/request-id', valueString: record.requestId }]
        : []),
    ],
  };
}

export function auditBundle(records: AuditRecord[]): Bundle<AuditEvent> {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: records.length,
    entry: records.map((record) => ({ resource: toAuditEvent(record), search: { mode: 'match' } })),
  };
}

const CSV_COLUMNS: [string, (record: AuditRecord) => string | number | null][] = [
  ['seq', (r) => r.seq],
  ['recorded', (r) => r.recordedAt],
  ['action', (r) => r.action],
  ['outcome', (r) => r.outcome],
  ['user', (r) => r.userId],
  ['client', (r) => r.clientId],
  ['roles', (r) => r.roles.join(' ')],
  ['patient', (r) => r.patientId],
  ['resource_type', (r) => r.resourceType],
  ['resource_id', (r) => r.resourceId],
  ['status', (r) => r.status],
  ['ip', (r) => r.ip],
  ['purpose_of_use', (r) => r.purposeOfUse],
  ['request_id', (r) => r.requestId],
  ['detail', (r) => r.detail],
];

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  // Quote anything with separators, and neutralise leading formula characters for spreadsheet users.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditCsv(records: AuditRecord[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const record of records) lines.push(CSV_COLUMNS.map(([, get]) => csvCell(get(record))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
