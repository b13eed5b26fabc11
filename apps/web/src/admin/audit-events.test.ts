import type { AuditEvent } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { actionLabel, auditQuery, auditRow, csvFileName, parseAuditFilter } from './audit-events';

const read: AuditEvent = {
  resourceType: 'AuditEvent',
  id: 'a1',
  type: { code: 'rest' },
  subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
  action: 'R',
  recorded: '2030-01-02T10:00:00.000Z',
  outcome: '0',
  purposeOfEvent: [{ coding: [{ code: 'TREAT' }] }],
  agent: [
    {
      who: { identifier: { system: 'urn:meridian:user', value: 'u1' } },
      requestor: true,
      role: [{ coding: [{ system: 'urn:meridian:role', code: 'physician' }] }],
      network: { address: '10.0.0.7', type: '2' },
    },
  ],
  source: { observer: { display: 'Meridian' } },
  entity: [
    { what: { reference: 'Patient/p1' }, type: { code: '1' }, role: { code: '1' } },
    { what: { reference: 'Observation/o9' }, type: { code: '2' } },
  ],
  extension: [
    { url: 'https://meridian.health/fhir/StructureDefinition/audit-sequence', valueInteger: 42 },
    { url: 'https://meridian.health/fhir/StructureDefinition/http-status', valueInteger: 200 },
  ],
};

describe('auditRow', () => {
  it('reads who, what, which patient, where from and why', () => {
    expect(auditRow(read)).toEqual({
      id: 'a1',
      seq: 42,
      recorded: '2030-01-02T10:00:00.000Z',
      action: 'read',
      outcome: 'success',
      userId: 'u1',
      clientId: undefined,
      roles: ['physician'],
      resource: 'Observation/o9',
      patientId: 'p1',
      ip: '10.0.0.7',
      purposeOfUse: 'TREAT',
      status: 200,
      detail: undefined,
    });
  });

  it('tells a refused access and a service client apart', () => {
    const row = auditRow({
      ...read,
      outcome: '8',
      agent: [{ who: { identifier: { system: 'urn:meridian:client', value: 'mc_1' } }, requestor: true }],
      entity: [],
    });
    expect(row).toMatchObject({ outcome: 'denied', userId: undefined, clientId: 'mc_1', patientId: undefined });
  });
});

describe('audit filters', () => {
  it('keeps well-formed filters only', () => {
    expect(
      parseAuditFilter({ patient: 'Patient/p1', outcome: 'maybe', from: '2030-01-01', to: 'yesterday', page: '3' }),
    ).toEqual({ patient: 'p1', from: '2030-01-01', page: 3 });
  });

  it('asks the server for one page plus one, with whole days in UTC', () => {
    const url = new URL(auditQuery({ patient: 'p1', from: '2030-01-01', to: '2030-01-31', page: 2 }, 50), 'http://x');
    expect(url.pathname).toBe('/audit/events');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      patient: 'p1',
      from: '2030-01-01T00:00:00Z',
      to: '2030-02-01T00:00:00.000Z',
      _count: '51',
      _offset: '50',
    });
  });

  it('exports the same filter as CSV without paging', () => {
    const url = new URL(auditQuery({ user: 'u1', page: 4 }, 50, { csv: true }), 'http://x');
    expect(Object.fromEntries(url.searchParams)).toEqual({ user: 'u1', _format: 'csv', _count: '1000' });
    expect(csvFileName({ patient: 'p1' }, new Date('2030-05-06T12:00:00Z'))).toBe('audit_patient-p1_2030-05-06.csv');
  });

  it('names actions as people say them', () => {
    expect(actionLabel('read')).toBe('Read');
    expect(actionLabel('operation:everything')).toBe('$everything');
    expect(actionLabel('custom')).toBe('custom');
  });
});
