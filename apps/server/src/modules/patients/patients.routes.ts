import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fhirContextOf } from '../../fhir';
import type { AuditService } from '../audit';
import type { PatientChartService } from './patient-chart.service';
import type { Actor, PatientMergeService } from './patient-merge.service';
import { patientErrors } from './patients.errors';
import {
  duplicateCheckBody,
  idParams,
  type MergeBody,
  mergeBody,
  mergeIdParams,
  type RegisterBody,
  registerBody,
  type SettingsBody,
  settingsBody,
  type TimelineQuery,
  timelineQuery,
} from './patients.schemas';
import { candidateSummary, type PatientService } from './patients.service';

export interface PatientRoutesDeps {
  audit: AuditService;
  patients: PatientService;
  merges: PatientMergeService;
  chart: PatientChartService;
}

const tags = ['patients'];

/** A schema failure as this module's problem, naming the field. */
function checked(request: FastifyRequest): void {
  const failure = request.validationError;
  if (!failure) return;
  const detail = (failure as { validation?: { instancePath?: string; message?: string }[] }).validation?.[0];
  const path = detail?.instancePath?.replace(/^\//, '').replace(/\//g, '.') || undefined;
  throw patientErrors.invalidRequest(`${path ? `${path}: ` : ''}${detail?.message ?? failure.message}`, path);
}

function actorOf(request: FastifyRequest): Actor {
  const principal = request.principal;
  return {
    userId: principal?.userId,
    clientId: principal?.clientId,
    roles: principal?.roles,
    requestId: request.id,
    ip: request.ip,
  };
}

/** The audit action of each patients route that reads or changes patient data. */
const AUDITED: Record<string, string> = {
  'POST /patients': 'patient-register',
  'POST /patients/duplicates': 'patient-duplicates',
  'GET /patients/:id/duplicates': 'patient-duplicates',
  'GET /patients/:id/summary': 'patient-summary',
  'GET /patients/:id/timeline': 'patient-timeline',
  'GET /patients/merge/:id': 'patient-merge-read',
};

/**
 * Every answer of these routes that carries patient data is put on record before it leaves (ids only;
 * merges record themselves inside their transaction). An answer whose access cannot be recorded is withheld.
 */
function registerAudit(app: FastifyInstance, audit: AuditService): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const action = AUDITED[`${request.method} ${request.routeOptions.url}`];
    if (!action) return payload;
    const status = reply.statusCode;
    const id = (request.params as { id?: string }).id;
    const registered = action === 'patient-register' && status === 201 ? registeredId(payload) : undefined;
    const patientId = action === 'patient-merge-read' ? undefined : (id ?? registered);
    try {
      await audit.recordAccess({
        ...actorOf(request),
        tenantId: request.tenantId,
        action,
        outcome: status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure',
        patientId,
        resourceType: action === 'patient-merge-read' ? undefined : 'Patient',
        resourceId: action === 'patient-merge-read' ? id : patientId,
        status,
      });
    } catch (error) {
      request.log.error({ err: { message: (error as Error).message } }, 'audit record could not be written');
      reply.code(500).type('application/problem+json');
      return JSON.stringify({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        code: 'INTERNAL',
        detail: 'The access could not be recorded in the audit trail, so the answer is withheld; retry',
        requestId: request.id,
      });
    }
    return payload;
  });
}

function registeredId(payload: unknown): string | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    return (JSON.parse(payload) as { patient?: { id?: string } }).patient?.id;
  } catch {
    return undefined;
  }
}

export function registerPatientRoutes(app: FastifyInstance, deps: PatientRoutesDeps): void {
  const { patients, merges, chart } = deps;
  registerAudit(app, deps.audit);

  app.get(
    '/patients/settings',
    {
      config: { access: 'tenant-admin' },
      schema: { tags, summary: 'MRN format and duplicate thresholds of the tenant' },
    },
    async (request) => patients.settings(request.tenantId),
  );

  app.put<{ Body: SettingsBody }>(
    '/patients/settings',
    {
      config: { access: 'tenant-admin' },
      attachValidation: true,
      schema: { tags, summary: 'Change the MRN format and duplicate thresholds', body: settingsBody },
    },
    async (request) => {
      checked(request);
      return patients.saveSettings(request.tenantId, request.body);
    },
  );

  app.post<{ Body: RegisterBody }>(
    '/patients',
    {
      config: { access: 'fhir' },
      attachValidation: true,
      schema: {
        tags,
        summary: 'Register a patient: MRN assigned; 409 PATIENT_DUPLICATE_SUSPECTED with candidates unless force',
        body: registerBody,
      },
    },
    async (request, reply) => {
      checked(request);
      const result = await patients.register(fhirContextOf(request), request.body.patient, request.body.force === true);
      return reply.code(201).header('location', `/fhir/R4/Patient/${result.patient.id}`).send(result);
    },
  );

  app.post<{ Body: { patient: RegisterBody['patient'] } }>(
    '/patients/duplicates',
    {
      config: { access: 'fhir' },
      attachValidation: true,
      schema: { tags, summary: 'Likely duplicates of a patient not yet registered, scored', body: duplicateCheckBody },
    },
    async (request) => {
      checked(request);
      const found = await patients.candidates(fhirContextOf(request), request.body.patient);
      return { candidates: found.map(candidateSummary) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/patients/:id/duplicates',
    {
      config: { access: 'fhir' },
      attachValidation: true,
      schema: { tags, summary: 'Likely duplicates of a registered patient, scored', params: idParams },
    },
    async (request) => {
      checked(request);
      const ctx = fhirContextOf(request);
      const patient = await chart.patientOf(ctx, request.params.id);
      const found = await patients.candidates(ctx, patient, { excludeId: request.params.id });
      return { candidates: found.map(candidateSummary) };
    },
  );

  app.post<{ Body: MergeBody }>(
    '/patients/merge',
    {
      config: { access: 'fhir' },
      attachValidation: true,
      schema: { tags, summary: 'Merge a duplicate record (source) into the surviving one (target)', body: mergeBody },
    },
    async (request, reply) => {
      checked(request);
      const { source, target } = request.body;
      const record = await merges.merge(fhirContextOf(request), source, target, actorOf(request));
      return reply.code(201).send(record);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/patients/merge/:id',
    {
      config: { access: 'fhir' },
      attachValidation: true,
      schema: { tags, summary: 'A merge: what moved, and whether it was undone', params: mergeIdParams },
    },
    async (request) => {
      checked(request);
      return merges.get(fhirContextOf(request), request.params.id);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/patients/merge/:id/undo',
    {
      config: { access: 'fhir' },
      attachValidation: true,
      schema: {
        tags,
        summary: 'Undo a merge: references, links and the source record restored',
        params: mergeIdParams,
      },
    },
    async (request) => {
      checked(request);
      return merges.undo(fhirContextOf(request), request.params.id, actorOf(request));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/patients/:id/summary',
    {
      config: { access: 'fhir' },
      attachValidation: true,
      schema: {
        tags,
        summary: 'Demographics, problems, allergies, medications, latest vitals, encounters, orders, results, flags',
        params: idParams,
      },
    },
    async (request) => {
      checked(request);
      return chart.summary(fhirContextOf(request), request.params.id);
    },
  );

  app.get<{ Params: { id: string }; Querystring: TimelineQuery }>(
    '/patients/:id/timeline',
    {
      config: { access: 'fhir' },
      attachValidation: true,
      schema: {
        tags,
        summary: 'Everything in the chart, newest first, paged, filterable by type',
        params: idParams,
        querystring: timelineQuery,
      },
    },
    async (request) => {
      checked(request);
      const { type, count, cursor } = request.query;
      return chart.timeline(fhirContextOf(request), request.params.id, {
        ...(type
          ? {
              types: type
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean),
            }
          : {}),
        count: count ?? 50,
        ...(cursor ? { cursor } : {}),
      });
    },
  );
}
