import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type FhirContext, fhirContextOf } from '../../fhir';
import { type ClinicalActor, clinicalActorOf } from '../identity';
import {
  allergyQuery,
  allergyStatusBody,
  createAllergyBody,
  editAllergyBody,
  noKnownAllergyBody,
} from './allergies.schemas';
import { BODY_SYSTEMS } from './assessments.catalog';
import { assessmentQuery, createAssessmentBody } from './assessments.schemas';
import type { ClinicalListServices } from './clinical-lists.module';
import { ASSESSMENT_PANELS } from './clinical-lists.rules';
import { enteredInErrorBody, parseInput, resourceId } from './clinical-lists.schemas';
import { createImmunizationBody, immunizationQuery } from './immunizations.schemas';
import {
  createProblemBody,
  dateAndNoteBody,
  editProblemBody,
  problemQuery,
  problemStatusBody,
} from './problems.schemas';
import { createProcedureBody, procedureQuery, procedureStatusBody } from './procedures.schemas';

type Item = { Params: { id: string; itemId: string } };
type Patient = { Params: { id: string } };

/** What every handler starts from: the caller's FHIR context (their access applies), who they are, whose record. */
function caller(request: FastifyRequest<{ Params: { id: string; itemId?: string } }>) {
  const ctx: FhirContext = fhirContextOf(request);
  const actor: ClinicalActor = clinicalActorOf(request);
  const patientId = parseInput(resourceId, request.params.id);
  const itemId = request.params.itemId === undefined ? '' : parseInput(resourceId, request.params.itemId);
  return { ctx, actor, patientId, itemId };
}

/** The task-shaped API of the problem list, allergies, immunizations, procedures and assessments. */
export function registerClinicalListRoutes(app: FastifyInstance, services: ClinicalListServices): void {
  const config = { access: 'fhir' };
  const doc = (tag: string, summary: string) => ({ config, schema: { tags: [tag], summary } });

  // ---- Problem list ----
  const { problems, allergies, immunizations, procedures, assessments } = services;
  app.get<Patient>(
    '/patients/:id/problems',
    doc('problems', 'The problem list (status=active,recurrence; verificationStatus=...)'),
    async (request) => {
      const { ctx, actor, patientId } = caller(request);
      return problems.list(ctx, actor, patientId, parseInput(problemQuery, request.query));
    },
  );
  app.post<Patient>(
    '/patients/:id/problems',
    doc('problems', 'Add a problem: ICD-10-CM code or free text, clinical and verification status, onset'),
    async (request, reply) => {
      const { ctx, actor, patientId } = caller(request);
      const created = await problems.create(ctx, actor, patientId, parseInput(createProblemBody, request.body));
      return reply.code(201).send(created);
    },
  );
  app.get<Item>(
    '/patients/:id/problems/:itemId',
    doc('problems', 'One problem (a FHIR Condition)'),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      return problems.read(ctx, actor, patientId, itemId);
    },
  );
  app.patch<Item>(
    '/patients/:id/problems/:itemId',
    doc(
      'problems',
      'Edit a problem: onset, severity (null clears), clinical status with its date, verification status, a note',
    ),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      return problems.edit(ctx, actor, patientId, itemId, parseInput(editProblemBody, request.body));
    },
  );
  app.post<Item>(
    '/patients/:id/problems/:itemId/status',
    doc(
      'problems',
      'Change the clinical or verification status ({ clinicalStatus?, verificationStatus?, date?, note? })',
    ),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      return problems.setStatus(ctx, actor, patientId, itemId, parseInput(problemStatusBody, request.body));
    },
  );
  app.post<Item>(
    '/patients/:id/problems/:itemId/resolve',
    doc('problems', 'Resolved, on date (default now)'),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      const body = parseInput(dateAndNoteBody, request.body);
      return problems.setStatus(ctx, actor, patientId, itemId, { clinicalStatus: 'resolved', ...body });
    },
  );
  app.post<Item>(
    '/patients/:id/problems/:itemId/recurrence',
    doc('problems', 'A resolved or inactive problem came back, on date (default now)'),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      const body = parseInput(dateAndNoteBody, request.body);
      return problems.setStatus(ctx, actor, patientId, itemId, { clinicalStatus: 'recurrence', ...body });
    },
  );
  app.post<Item>(
    '/patients/:id/problems/:itemId/entered-in-error',
    doc('problems', 'Mark entered in error ({ reason })'),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      return problems.enteredInError(
        ctx,
        actor,
        patientId,
        itemId,
        parseInput(enteredInErrorBody, request.body).reason,
      );
    },
  );

  // ---- Allergies and intolerances ----
  app.get<Patient>(
    '/patients/:id/allergies',
    doc('allergies', 'Allergies and intolerances (status, verificationStatus, category, type)'),
    async (request) => {
      const { ctx, actor, patientId } = caller(request);
      return allergies.list(ctx, actor, patientId, parseInput(allergyQuery, request.query));
    },
  );
  app.post<Patient>(
    '/patients/:id/allergies',
    doc('allergies', 'Record an allergy or intolerance with its reactions (409 while "no known allergy" stands)'),
    async (request, reply) => {
      const { ctx, actor, patientId } = caller(request);
      const created = await allergies.create(ctx, actor, patientId, parseInput(createAllergyBody, request.body));
      return reply.code(201).send(created);
    },
  );
  app.post<Patient>(
    '/patients/:id/allergies/no-known',
    doc('allergies', 'Record "no known allergy" (or drug, food, environment); 409 while an allergy is in force'),
    async (request, reply) => {
      const { ctx, actor, patientId } = caller(request);
      const created = await allergies.noKnown(ctx, actor, patientId, parseInput(noKnownAllergyBody, request.body));
      return reply.code(201).send(created);
    },
  );
  app.get<Item>(
    '/patients/:id/allergies/:itemId',
    doc('allergies', 'One allergy (a FHIR AllergyIntolerance)'),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      return allergies.read(ctx, actor, patientId, itemId);
    },
  );
  app.patch<Item>(
    '/patients/:id/allergies/:itemId',
    doc(
      'allergies',
      'Edit an allergy: type, category, criticality, onset (null clears), reactions (replaces them), statuses, a note',
    ),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      return allergies.edit(ctx, actor, patientId, itemId, parseInput(editAllergyBody, request.body));
    },
  );
  app.post<Item>(
    '/patients/:id/allergies/:itemId/status',
    doc('allergies', 'Change the clinical or verification status ({ clinicalStatus?, verificationStatus?, note? })'),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      return allergies.setStatus(ctx, actor, patientId, itemId, parseInput(allergyStatusBody, request.body));
    },
  );
  app.post<Item>(
    '/patients/:id/allergies/:itemId/entered-in-error',
    doc('allergies', 'Mark entered in error ({ reason })'),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      return allergies.enteredInError(
        ctx,
        actor,
        patientId,
        itemId,
        parseInput(enteredInErrorBody, request.body).reason,
      );
    },
  );

  // ---- Immunizations ----
  app.get<Patient>(
    '/patients/:id/immunizations',
    doc('immunizations', 'Immunizations (status, vaccine CVX code)'),
    async (request) => {
      const { ctx, actor, patientId } = caller(request);
      return immunizations.list(ctx, actor, patientId, parseInput(immunizationQuery, request.query));
    },
  );
  app.post<Patient>(
    '/patients/:id/immunizations',
    doc('immunizations', 'Record a vaccine given (CVX, date, lot, site, route, performer) or not given (statusReason)'),
    async (request, reply) => {
      const { ctx, actor, patientId } = caller(request);
      const created = await immunizations.create(
        ctx,
        actor,
        patientId,
        parseInput(createImmunizationBody, request.body),
      );
      return reply.code(201).send(created);
    },
  );
  app.get<Item>('/patients/:id/immunizations/:itemId', doc('immunizations', 'One immunization'), async (request) => {
    const { ctx, actor, patientId, itemId } = caller(request);
    return immunizations.read(ctx, actor, patientId, itemId);
  });
  app.post<Item>(
    '/patients/:id/immunizations/:itemId/entered-in-error',
    doc('immunizations', 'Mark entered in error ({ reason })'),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      const { reason } = parseInput(enteredInErrorBody, request.body);
      return immunizations.enteredInError(ctx, actor, patientId, itemId, reason);
    },
  );

  // ---- Procedures ----
  app.get<Patient>('/patients/:id/procedures', doc('procedures', 'Procedures (status)'), async (request) => {
    const { ctx, actor, patientId } = caller(request);
    return procedures.list(ctx, actor, patientId, parseInput(procedureQuery, request.query));
  });
  app.post<Patient>(
    '/patients/:id/procedures',
    doc('procedures', 'Record a procedure: SNOMED CT, CPT or HCPCS code or text, when, body sites with laterality'),
    async (request, reply) => {
      const { ctx, actor, patientId } = caller(request);
      const created = await procedures.create(ctx, actor, patientId, parseInput(createProcedureBody, request.body));
      return reply.code(201).send(created);
    },
  );
  app.get<Item>('/patients/:id/procedures/:itemId', doc('procedures', 'One procedure'), async (request) => {
    const { ctx, actor, patientId, itemId } = caller(request);
    return procedures.read(ctx, actor, patientId, itemId);
  });
  app.post<Item>(
    '/patients/:id/procedures/:itemId/status',
    doc('procedures', 'Move the procedure on ({ status, date?, statusReason?, note? })'),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      return procedures.setStatus(ctx, actor, patientId, itemId, parseInput(procedureStatusBody, request.body));
    },
  );
  app.post<Item>(
    '/patients/:id/procedures/:itemId/entered-in-error',
    doc('procedures', 'Mark entered in error ({ reason })'),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      return procedures.enteredInError(
        ctx,
        actor,
        patientId,
        itemId,
        parseInput(enteredInErrorBody, request.body).reason,
      );
    },
  );

  // ---- Body-system assessments ----
  app.get(
    '/assessments/systems',
    doc('assessments', 'The body systems an examination or review of systems records'),
    async () => ({
      kinds: Object.entries(ASSESSMENT_PANELS).map(([kind, panel]) => ({
        kind,
        category: panel.category,
        code: { system: 'http://loinc.org', code: panel.code, display: panel.display },
      })),
      systems: BODY_SYSTEMS.map(({ key, display, examples }) => ({
        system: key,
        display,
        examples,
        code: { system: 'https://meridian.health/fhir/CodeSystem/body-system', code: key },
      })),
      lateralities: ['left', 'right', 'bilateral'],
    }),
  );
  app.get<Patient>(
    '/patients/:id/assessments',
    doc('assessments', 'Examinations and reviews of systems (kind)'),
    async (request) => {
      const { ctx, actor, patientId } = caller(request);
      const query = parseInput(assessmentQuery, request.query);
      return assessments.list(ctx, actor, patientId, {
        ...(query.kind ? { kind: query.kind } : {}),
        includeEnteredInError: query.includeEnteredInError === 'true',
      });
    },
  );
  app.post<Patient>(
    '/patients/:id/assessments',
    doc('assessments', 'Record an examination or review of systems by body system, with findings at body sites'),
    async (request, reply) => {
      const { ctx, actor, patientId } = caller(request);
      const created = await assessments.create(ctx, actor, patientId, parseInput(createAssessmentBody, request.body));
      return reply.code(201).send(created);
    },
  );
  app.get<Item>(
    '/patients/:id/assessments/:itemId',
    doc('assessments', 'One assessment with its findings'),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      return assessments.read(ctx, actor, patientId, itemId);
    },
  );
  app.post<Item>(
    '/patients/:id/assessments/:itemId/entered-in-error',
    doc('assessments', 'Mark the assessment and its findings entered in error ({ reason })'),
    async (request) => {
      const { ctx, actor, patientId, itemId } = caller(request);
      const { reason } = parseInput(enteredInErrorBody, request.body);
      return assessments.enteredInError(ctx, actor, patientId, itemId, reason);
    },
  );
}
