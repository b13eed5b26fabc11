import type { Bundle, CodeableConcept, Observation, Patient, Resource } from '@medplum/fhirtypes';
import type { FhirContext, FhirServices } from '../../fhir';
import { VITAL_SIGNS } from '../vitals';
import { resourceDate, resourceLabel } from './patient-chart.dates';
import { patientTypeSizes } from './patient-chart.store';
import { fromFhirError, patientErrors } from './patients.errors';

/** Items per summary section; a section with more says so in `truncated`. */
const SECTION_LIMIT = 100;
const RECENT_ENCOUNTERS = 5;
/**
 * The latest vital-sign observations read to find the latest of each code (a few visits' worth); the
 * catalog's vital signs missing from them (measured rarely, like height) are looked up with a second query.
 */
const VITALS_WINDOW = 60;
const VITAL_CODES = VITAL_SIGNS.map((vital) => `http://loinc.org|${vital.code}`);

/** The chart's types on the timeline, each with the date search parameter it is ordered by. */
export const TIMELINE_TYPES: Record<string, string> = {
  AllergyIntolerance: 'date',
  CarePlan: 'date',
  Condition: 'onset-date',
  DiagnosticReport: 'date',
  DocumentReference: 'date',
  Encounter: 'date',
  Flag: 'date',
  ImagingStudy: 'started',
  Immunization: 'date',
  MedicationRequest: 'authoredon',
  MedicationStatement: 'effective',
  Observation: 'date',
  Procedure: 'date',
  ServiceRequest: 'authored',
};

export interface LatestVital {
  code: string;
  display: string;
  effective: string | null;
  value: unknown;
  observation: Observation;
}

export interface PatientSummary {
  patient: Patient;
  problems: Resource[];
  allergies: Resource[];
  medications: Resource[];
  /** The latest observation of each vital sign, by name. */
  vitals: LatestVital[];
  encounters: Resource[];
  openOrders: Resource[];
  pendingResults: Resource[];
  flags: Resource[];
  /** Sections that hold more than was returned. */
  truncated: string[];
}

export interface TimelineItem {
  resourceType: string;
  id: string;
  date: string;
  label: string;
  status: string | null;
  resource: Resource;
}

export interface TimelinePage {
  items: TimelineItem[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  next?: string;
}

interface Cursor {
  /** Items strictly older than this instant come next, plus those at it not yet seen. */
  before: string;
  seen: string[];
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof value.before === 'string' && !Number.isNaN(Date.parse(value.before)) && Array.isArray(value.seen)) {
      return { before: new Date(value.before).toISOString(), seen: value.seen.filter((s) => typeof s === 'string') };
    }
  } catch {
    // falls through to the error
  }
  throw patientErrors.invalidRequest('The cursor is not one this server issued', 'cursor');
}

function codeKey(concept: CodeableConcept | undefined): string {
  const coding = concept?.coding?.[0];
  return coding ? `${coding.system ?? ''}|${coding.code ?? ''}` : (concept?.text ?? '');
}

/** The summary and the timeline of a patient's chart, read through the FHIR search service. */
export class PatientChartService {
  constructor(private readonly fhir: FhirServices) {}

  private search(ctx: FhirContext, resourceType: string, params: [string, string][]): Promise<Bundle> {
    return this.fhir.search.search(
      ctx,
      { resourceType, params: [...params, ['_total', 'none']], handling: 'strict' },
      '',
    );
  }

  /** The patient, read through the FHIR repository (404 as PATIENT_NOT_FOUND). */
  async patientOf(ctx: FhirContext, id: string): Promise<Patient> {
    return this.patient(ctx, id);
  }

  private async patient(ctx: FhirContext, id: string): Promise<Patient> {
    try {
      return (await this.fhir.repository.read(ctx, 'Patient', id)) as Patient;
    } catch (error) {
      throw fromFhirError(error, id);
    }
  }

  /**
   * Of `types`, those with resources naming the patient by `patient`, and about how many (at least the
   * number of resources, counted up to `cap`): the searches of the others would find nothing, so they are
   * not run. The searches themselves go through the search service.
   */
  private typesOf(ctx: FhirContext, patientId: string, types: string[], cap = 1): Promise<Map<string, number>> {
    return this.fhir.repository.reading(ctx, (db) => patientTypeSizes(db, ctx.tenantId, patientId, types, cap));
  }

  /** The window's vitals, plus the latest of the catalog's vital signs that fell outside it. */
  private async withRareVitals(
    ctx: FhirContext,
    subject: [string, string],
    window: Observation[],
  ): Promise<Observation[]> {
    if (window.length < VITALS_WINDOW) return window;
    const seen = new Set(window.flatMap((o) => (o.code?.coding ?? []).map((c) => `${c.system}|${c.code}`)));
    const missing = VITAL_CODES.filter((code) => !seen.has(code));
    if (!missing.length) return window;
    // Newest first with ties by id, as `-date` alone orders them. Two sort keys keep the search off the
    // path that reads the patient's newest observations of every code, which cannot fill a page of rare ones
    // and would be read only to be thrown away; the general plan starts from these codes.
    const more = await this.search(ctx, 'Observation', [
      subject,
      ['category', 'vital-signs'],
      ['code', missing.join(',')],
      ['_sort', '-date,-_id'],
      ['_count', String(VITALS_WINDOW)],
    ]);
    return [
      ...window,
      ...(more.entry ?? []).flatMap((entry) => (entry.resource ? [entry.resource as Observation] : [])),
    ];
  }

  async summary(ctx: FhirContext, patientId: string): Promise<PatientSummary> {
    const subject: [string, string] = ['patient', `Patient/${patientId}`];
    const limit: [string, string] = ['_count', String(SECTION_LIMIT)];
    const sections = {
      problems: ['Condition', [subject, ['clinical-status', 'active,recurrence,relapse'], limit]],
      allergies: ['AllergyIntolerance', [subject, ['clinical-status', 'active'], limit]],
      medicationRequests: ['MedicationRequest', [subject, ['status', 'active,on-hold'], limit]],
      medicationStatements: ['MedicationStatement', [subject, ['status', 'active,intended'], limit]],
      vitals: [
        'Observation',
        [subject, ['category', 'vital-signs'], ['_sort', '-date'], ['_count', String(VITALS_WINDOW)]],
      ],
      encounters: ['Encounter', [subject, ['_sort', '-date'], ['_count', String(RECENT_ENCOUNTERS)]]],
      openOrders: ['ServiceRequest', [subject, ['status', 'active,on-hold,draft'], limit]],
      pendingReports: ['DiagnosticReport', [subject, ['status', 'registered,partial,preliminary'], limit]],
      pendingObservations: ['Observation', [subject, ['status', 'registered,preliminary'], limit]],
      // Flag has no status search parameter in R4: active ones are picked from the patient's flags.
      flags: ['Flag', [subject, ['_count', String(SECTION_LIMIT * 5)]]],
    } satisfies Record<string, [string, [string, string][]]>;
    const names = Object.keys(sections) as (keyof typeof sections)[];
    const empty: Bundle = { resourceType: 'Bundle', type: 'searchset', entry: [] };
    const resources = (bundle: Bundle) =>
      (bundle.entry ?? []).flatMap((entry) => (entry.resource ? [entry.resource] : []));
    // One wait for everything: the patient is read while the sections are searched, and the vital signs
    // missing from the window are looked up as soon as the window arrives, not after the slowest section.
    const present = this.typesOf(
      ctx,
      patientId,
      names.map((name) => sections[name][0]),
    );
    const found = names.map((name) =>
      present.then((types) =>
        types.has(sections[name][0]) ? this.search(ctx, sections[name][0], sections[name][1]) : empty,
      ),
    );
    const vitals = found[names.indexOf('vitals')]!.then((window) =>
      this.withRareVitals(ctx, subject, resources(window) as Observation[]),
    );
    let patient: Patient;
    let bundles: Bundle[];
    let vitalSigns: Observation[];
    try {
      [patient, vitalSigns, ...bundles] = (await Promise.all([this.patient(ctx, patientId), vitals, ...found])) as [
        Patient,
        Observation[],
        ...Bundle[],
      ];
    } catch (error) {
      throw fromFhirError(error, patientId);
    }
    const section = Object.fromEntries(names.map((name, i) => [name, bundles[i]!])) as Record<
      keyof typeof sections,
      Bundle
    >;
    const truncated = names.filter(
      (name) =>
        name !== 'vitals' && name !== 'encounters' && section[name].link?.some((link) => link.relation === 'next'),
    );
    return {
      patient,
      problems: resources(section.problems),
      allergies: resources(section.allergies),
      medications: [...resources(section.medicationRequests), ...resources(section.medicationStatements)],
      vitals: latestVitals(vitalSigns),
      encounters: resources(section.encounters),
      openOrders: resources(section.openOrders),
      pendingResults: [...resources(section.pendingReports), ...resources(section.pendingObservations)],
      flags: resources(section.flags).filter((flag) => (flag as { status?: string }).status === 'active'),
      truncated,
    };
  }

  /** Everything in the chart, newest first, `count` at a time, optionally only some types. */
  async timeline(
    ctx: FhirContext,
    patientId: string,
    options: { types?: string[]; count: number; cursor?: string },
  ): Promise<TimelinePage> {
    const types = options.types?.length ? options.types : Object.keys(TIMELINE_TYPES);
    for (const type of types) {
      if (!Object.hasOwn(TIMELINE_TYPES, type)) {
        throw patientErrors.invalidRequest(
          `'${type}' is not on the timeline (${Object.keys(TIMELINE_TYPES).join(', ')})`,
          'type',
        );
      }
    }
    const cursor = options.cursor ? decodeCursor(options.cursor) : undefined;
    const seen = new Set(cursor?.seen ?? []);
    const perType = options.count + seen.size;
    let bundles: Bundle[];
    try {
      // The patient is read (a missing one answers 404) while the types are looked up and searched. A type
      // with no more resources than a page is read whole, unsorted: one query instead of a sorted attempt
      // that cannot fill the page followed by the general one. The items are ordered here anyway.
      [, bundles] = await Promise.all([
        this.patient(ctx, patientId),
        this.typesOf(ctx, patientId, types, perType + 1).then((sizes) =>
          Promise.all(
            types
              .filter((type) => sizes.has(type))
              .map((type) => {
                const param = TIMELINE_TYPES[type]!;
                const params: [string, string][] = [
                  ['patient', `Patient/${patientId}`],
                  ['_count', String(perType)],
                ];
                if (sizes.get(type)! > perType) params.push(['_sort', `-${param}`]);
                if (cursor) params.push([param, `le${cursor.before}`]);
                return this.search(ctx, type, params);
              }),
          ),
        ),
      ]);
    } catch (error) {
      throw fromFhirError(error, patientId);
    }
    const limitReached = bundles.some((bundle) => bundle.link?.some((link) => link.relation === 'next'));
    const items: TimelineItem[] = [];
    for (const bundle of bundles) {
      for (const entry of bundle.entry ?? []) {
        const resource = entry.resource;
        if (!resource?.id) continue;
        const date = resourceDate(resource);
        if (!date) continue;
        if (
          cursor &&
          (date > cursor.before || (date === cursor.before && seen.has(`${resource.resourceType}/${resource.id}`)))
        )
          continue;
        items.push({
          resourceType: resource.resourceType,
          id: resource.id,
          date,
          label: resourceLabel(resource),
          status: (resource as { status?: string }).status ?? null,
          resource,
        });
      }
    }
    items.sort((a, b) =>
      a.date !== b.date
        ? a.date < b.date
          ? 1
          : -1
        : `${a.resourceType}/${a.id}` < `${b.resourceType}/${b.id}`
          ? -1
          : 1,
    );
    const page = items.slice(0, options.count);
    const more = items.length > options.count || limitReached;
    const last = page.at(-1);
    if (!more || !last) return { items: page };
    const atLast = page.filter((item) => item.date === last.date).map((item) => `${item.resourceType}/${item.id}`);
    const carried = cursor && cursor.before === last.date ? [...seen] : [];
    return { items: page, next: encodeCursor({ before: last.date, seen: [...new Set([...carried, ...atLast])] }) };
  }
}

function latestVitals(observations: Observation[]): LatestVital[] {
  const latest = new Map<string, LatestVital>();
  for (const observation of observations) {
    const key = codeKey(observation.code);
    if (!key || latest.has(key)) continue;
    const value =
      observation.valueQuantity ??
      observation.valueCodeableConcept ??
      observation.valueString ??
      (observation.component?.length
        ? observation.component.map((component) => ({
            code: codeKey(component.code),
            display: component.code?.text ?? component.code?.coding?.[0]?.display ?? '',
            value: component.valueQuantity ?? component.valueCodeableConcept ?? component.valueString ?? null,
          }))
        : null);
    latest.set(key, {
      code: key,
      display: observation.code?.text ?? observation.code?.coding?.[0]?.display ?? key,
      effective: resourceDate(observation) ?? null,
      value,
      observation,
    });
  }
  return [...latest.values()].sort((a, b) => a.display.localeCompare(b.display));
}
