import type { Annotation, Bundle, CodeableConcept, Encounter, Reference, Resource } from '@medplum/fhirtypes';
import { type FhirContext, FhirError, type FhirRepository, type SearchService } from '../../fhir';
import type { AuditService } from '../audit';
import type { ClinicalActor } from '../identity';
import { bodySiteConcept, SYSTEM_ALIASES } from './clinical-lists.codes';
import { clinicalListErrors } from './clinical-lists.errors';
import type { Violation } from './clinical-lists.rules';
import type { BodySiteInput, CodedInput } from './clinical-lists.schemas';
import type { CodeChecker } from './clinical-lists.terminology';

export interface ClinicalRecordsDeps {
  repository: FhirRepository;
  search: SearchService;
  audit: AuditService;
  codes: CodeChecker;
  now: () => Date;
}

/** Search links are not served from here: any base will do. */
const SEARCH_BASE = 'urn:meridian:clinical-lists';
/** Entries in one list answer at most (the FHIR API pages further). */
export const MAX_LIST = 500;

/** How each list's resource names its patient. */
const PATIENT_FIELD: Record<string, 'subject' | 'patient'> = {
  Condition: 'subject',
  AllergyIntolerance: 'patient',
  Immunization: 'patient',
  Procedure: 'subject',
  Observation: 'subject',
};

export type Kind = 'Condition' | 'AllergyIntolerance' | 'Immunization' | 'Procedure' | 'Observation';

export function patientOf(resource: Resource): string | undefined {
  const field = PATIENT_FIELD[resource.resourceType];
  return field ? (resource as unknown as Record<string, { reference?: string }>)[field]?.reference : undefined;
}

/** A rule broken, as the task API answers it. */
export function violationError(violation: Violation) {
  const { transition } = violation;
  return transition
    ? clinicalListErrors.invalidTransition(
        transition.what,
        violation.path,
        transition.from,
        transition.to,
        transition.allowed,
      )
    : clinicalListErrors.ruleBroken(violation.path, violation.message);
}

/**
 * What every list shares: the patient and encounter checks, coded values checked against the
 * terminology, searches and reads put on the audit trail, and changes written with If-Match.
 * Everything goes through the FHIR services with the caller's context, so the access policy applies.
 */
export class ClinicalRecords {
  constructor(readonly deps: ClinicalRecordsDeps) {}

  get repository(): FhirRepository {
    return this.deps.repository;
  }

  now(): string {
    return this.deps.now().toISOString();
  }

  /** `Patient/<id>` when the patient exists and the caller may see them. */
  async patient(ctx: FhirContext, patientId: string): Promise<string> {
    const reference = `Patient/${patientId}`;
    await this.mustExist(ctx, 'patient', reference);
    return reference;
  }

  /** The encounter must exist and be the same patient's. */
  async encounter(ctx: FhirContext, patient: string, reference: string | undefined): Promise<void> {
    if (!reference) return;
    const encounter = (await this.mustExist(ctx, 'encounter', reference)) as Encounter;
    if (encounter.subject?.reference !== patient) {
      throw clinicalListErrors.referenceMismatch('encounter', 'the encounter is of another patient');
    }
  }

  async mustExist(ctx: FhirContext, path: string, reference: string): Promise<Resource> {
    const [type, id] = reference.split('/') as [string, string];
    try {
      return await this.deps.repository.read(ctx, type, id);
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) {
        throw clinicalListErrors.referenceNotFound(path, reference);
      }
      throw error;
    }
  }

  /** A coded value or free text, its code checked (shape, then terminology) before anything is written. */
  async coded(input: CodedInput, path: string, allowed?: readonly string[]): Promise<CodeableConcept> {
    if (typeof input === 'string') return { text: input };
    const system = input.system ? (SYSTEM_ALIASES[input.system.toLowerCase()] ?? input.system) : undefined;
    if (input.code && system && !/^(https?:\/\/|urn:)/.test(system)) {
      throw clinicalListErrors.invalidRequest(
        `${path}.system: '${input.system}' is not a known system or URI`,
        `${path}.system`,
      );
    }
    const coding =
      input.code && system
        ? await this.deps.codes.check({ system, code: input.code, display: input.display }, path, allowed)
        : undefined;
    const text = input.text ?? coding?.display;
    return { ...(coding ? { coding: [coding] } : {}), ...(text ? { text } : {}) };
  }

  async bodySite(input: BodySiteInput, path: string): Promise<CodeableConcept> {
    return bodySiteConcept(await this.coded(input.site, `${path}.site`), input.laterality);
  }

  /** A patient's resources of one type, newest first; the search is on the audit trail. */
  async list<T extends Resource>(
    ctx: FhirContext,
    actor: ClinicalActor,
    patientId: string,
    type: Kind,
    params: [string, string][],
  ): Promise<{ items: T[]; included: Resource[]; truncated: boolean }> {
    const patient = await this.patient(ctx, patientId);
    const bundle: Bundle = await this.deps.search.search(
      ctx,
      {
        resourceType: type,
        params: [[PATIENT_FIELD[type]!, patient], ...params, ['_sort', '-_lastUpdated'], ['_count', String(MAX_LIST)]],
        handling: 'strict',
      },
      SEARCH_BASE,
    );
    const entries = bundle.entry ?? [];
    const items = entries.filter((e) => e.search?.mode !== 'include').map((e) => e.resource as T);
    const included = entries.filter((e) => e.search?.mode === 'include').map((e) => e.resource as Resource);
    await this.recordAccess(ctx, actor, 'search', patientId, type);
    return { items, included, truncated: Boolean(bundle.link?.some((link) => link.relation === 'next')) };
  }

  /** One of the patient's resources (404 when it is another patient's or does not exist). */
  async get<T extends Resource>(ctx: FhirContext, patientId: string, type: Kind, id: string, what: string): Promise<T> {
    let resource: Resource;
    try {
      resource = await this.deps.repository.read(ctx, type, id);
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) {
        throw clinicalListErrors.notFound(what, id);
      }
      throw error;
    }
    if (patientOf(resource) !== `Patient/${patientId}`) throw clinicalListErrors.notFound(what, id);
    return resource as T;
  }

  /** `get`, with the read on the audit trail. */
  async read<T extends Resource>(
    ctx: FhirContext,
    actor: ClinicalActor,
    patientId: string,
    type: Kind,
    id: string,
    what: string,
  ): Promise<T> {
    const resource = await this.get<T>(ctx, patientId, type, id, what);
    await this.recordAccess(ctx, actor, 'read', patientId, type, id);
    return resource;
  }

  /**
   * Reads the resource, lets `make` produce the next version and writes it only if nobody changed it
   * meanwhile (If-Match). The write stages its own audit record.
   */
  async change<T extends Resource>(
    ctx: FhirContext,
    patientId: string,
    type: Kind,
    id: string,
    what: string,
    make: (current: T, inTx: FhirContext) => T | Promise<T>,
  ): Promise<T> {
    const { repository } = this.deps;
    try {
      return await repository.inTransaction(ctx, async (tx) => {
        const inTx = { ...ctx, tx };
        const current = await this.get<T>(inTx, patientId, type, id, what);
        const next = await make(current, inTx);
        const { resource } = await repository.update(inTx, type, id, next, {
          ifMatch: `W/"${current.meta?.versionId}"`,
        });
        return resource as T;
      });
    } catch (error) {
      if (error instanceof FhirError && (error.status === 412 || error.errorCode === 'FHIR_CONCURRENT_WRITE')) {
        throw clinicalListErrors.conflict();
      }
      throw error;
    }
  }

  private async recordAccess(
    ctx: FhirContext,
    actor: ClinicalActor,
    action: 'read' | 'search',
    patientId: string,
    resourceType: string,
    resourceId?: string,
  ): Promise<void> {
    await this.deps.audit.recordAccess({
      tenantId: ctx.tenantId,
      action,
      outcome: 'success',
      userId: actor.userId,
      clientId: actor.clientId,
      roles: actor.roles,
      ip: actor.ip,
      requestId: actor.requestId,
      patientId,
      resourceType,
      ...(resourceId ? { resourceId } : {}),
    });
  }
}

/**
 * How a resource names the caller in an element that admits only some types: their FHIR identity when
 * it is one of them, and always their account identifier.
 */
export function actorReference(actor: ClinicalActor, types: RegExp): Reference<never> | undefined {
  const reference = actor.reference;
  if (!reference) return undefined;
  const fits = reference.reference && types.test(reference.reference);
  return {
    ...(fits ? { reference: reference.reference } : {}),
    ...(reference.identifier ? { identifier: reference.identifier } : {}),
  };
}

/** A dated note of a status change, the reason with it; kept on the resource itself. */
export function statusNote(actor: ClinicalActor, time: string, text: string): Annotation {
  const author = actorReference(actor, /^(Practitioner|Patient|RelatedPerson|Organization)\//);
  return { time, text, ...(author ? { authorReference: author } : {}) };
}
