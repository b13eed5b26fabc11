import type { Bundle, Encounter, Observation } from '@medplum/fhirtypes';
import { type FhirContext, FhirError, type FhirRepository, type SearchService } from '../../fhir';
import type { AuditService } from '../audit';
import type { ClinicalActor } from '../identity';
import { BMI, BMI_WINDOW_DAYS, BODY_HEIGHT, BODY_WEIGHT, LOINC, type VitalSign, vitalSignOf } from './vitals.catalog';
import { vitalsErrors } from './vitals.errors';
import { type Measured, type MeasurementInput, measure } from './vitals.measure';
import { bodyMassIndex, canonicalOf, type TrendPoint, trendPoint, vitalObservation } from './vitals.observation';

/** The caller; `reference` becomes Observation.performer. */
export type VitalsActor = ClinicalActor;

export interface VitalsServiceDeps {
  repository: FhirRepository;
  search: SearchService;
  audit: AuditService;
  now?: () => Date;
}

export interface RecordVitalsInput {
  encounter?: string | undefined;
  effective?: string | undefined;
  measurements: MeasurementInput[];
}

/** Search links are not served from here: any base will do. */
const SEARCH_BASE = 'urn:meridian:vitals';
/** Points in one trend answer at most. */
export const MAX_TREND_POINTS = 1000;
const DAY_MS = 86_400_000;

/** Records vital signs as profiled FHIR Observations in canonical UCUM units, computes BMI, and draws trends. */
export class VitalsService {
  private readonly now: () => Date;

  constructor(private readonly deps: VitalsServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async record(ctx: FhirContext, actor: VitalsActor, patientId: string, input: RecordVitalsInput) {
    const patient = `Patient/${patientId}`;
    // Every value is checked before anything is written: one impossible value refuses the whole set.
    const measured = input.measurements.map((measurement, index) => measure(measurement, `measurements.${index}`));
    measured.forEach((entry, index) => {
      if (measured.findIndex((other) => other.vital.code === entry.vital.code) !== index) {
        throw vitalsErrors.invalidRequest(
          `measurements.${index}: ${entry.vital.type} is given twice`,
          `measurements.${index}.type`,
        );
      }
    });
    const effective = input.effective ? new Date(input.effective).toISOString() : this.now().toISOString();
    const { repository } = this.deps;
    return repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      await this.mustExist(inTx, 'patient', patient);
      if (input.encounter) {
        const encounter = (await this.mustExist(inTx, 'encounter', input.encounter)) as Encounter;
        if (encounter.subject?.reference !== patient) {
          throw vitalsErrors.referenceMismatch('encounter', 'the encounter is of another patient');
        }
      }
      const context = { patient, encounter: input.encounter, effective, performer: actor.reference };
      const created: Observation[] = [];
      for (const entry of measured) {
        created.push((await repository.create(inTx, vitalObservation(entry, context))) as Observation);
      }
      const bmi = await this.computedBmi(inTx, patient, effective, measured, created);
      if (bmi) {
        created.push(
          (await repository.create(
            inTx,
            vitalObservation(bmi.measured, { ...context, derivedFrom: bmi.derivedFrom }),
          )) as Observation,
        );
      }
      for (const observation of created) {
        await this.deps.audit.append(tx, {
          tenantId: ctx.tenantId,
          action: 'vitals-record',
          outcome: 'success',
          userId: actor.userId,
          clientId: actor.clientId,
          roles: actor.roles,
          ip: actor.ip,
          requestId: actor.requestId,
          patientId,
          resourceType: 'Observation',
          resourceId: observation.id,
        });
      }
      return { observations: created, ...(bmi ? { bmi: bmi.measured.value } : {}) };
    });
  }

  /**
   * BMI when this set has a weight or a height and the other is in it too or was recorded recently
   * (weight within 30 days, height within a year), unless the caller gave a BMI themselves.
   */
  private async computedBmi(
    ctx: FhirContext,
    patient: string,
    effective: string,
    measured: Measured[],
    created: Observation[],
  ): Promise<{ measured: Measured; derivedFrom: string[] } | undefined> {
    const find = (vital: VitalSign) => {
      const index = measured.findIndex((entry) => entry.vital.code === vital.code);
      return index < 0 ? undefined : { value: measured[index]!.value!, reference: `Observation/${created[index]!.id}` };
    };
    if (find(BMI)) return undefined;
    let weight = find(BODY_WEIGHT);
    let height = find(BODY_HEIGHT);
    if (!weight && !height) return undefined;
    weight ??= await this.latest(ctx, patient, BODY_WEIGHT, effective, BMI_WINDOW_DAYS.weight);
    height ??= await this.latest(ctx, patient, BODY_HEIGHT, effective, BMI_WINDOW_DAYS.height);
    if (!weight || !height) return undefined;
    const value = bodyMassIndex(weight.value, height.value);
    // Each measure was possible on its own; a BMI outside its limits is left uncomputed rather than refused.
    if (value < BMI.limits.min || value > BMI.limits.max) return undefined;
    return { measured: { vital: BMI, value }, derivedFrom: [weight.reference, height.reference] };
  }

  private async latest(ctx: FhirContext, patient: string, vital: VitalSign, before: string, windowDays: number) {
    const from = new Date(Date.parse(before) - windowDays * DAY_MS).toISOString();
    const observations = await this.observations(ctx, patient, vital, from, before, '-date', 5);
    for (const observation of observations) {
      const value = canonicalOf(vital, observation.valueQuantity);
      if (value !== undefined) return { value, reference: `Observation/${observation.id}` };
    }
    return undefined;
  }

  /** A series of one vital sign over time, oldest first, in its canonical unit. */
  async trend(
    ctx: FhirContext,
    actor: VitalsActor,
    patientId: string,
    query: { code: string; from?: string | undefined; to?: string | undefined },
  ) {
    const vital = vitalSignOf(query.code);
    if (!vital) throw vitalsErrors.unknownType('code', query.code);
    const patient = `Patient/${patientId}`;
    await this.mustExist(ctx, 'patient', patient);
    const observations = await this.observations(ctx, patient, vital, query.from, query.to, 'date', MAX_TREND_POINTS);
    const points = observations
      .map((observation) => trendPoint(vital, observation))
      .filter((point): point is TrendPoint => point !== undefined);
    await this.deps.audit.recordAccess({
      tenantId: ctx.tenantId,
      action: 'search',
      outcome: 'success',
      userId: actor.userId,
      clientId: actor.clientId,
      roles: actor.roles,
      ip: actor.ip,
      requestId: actor.requestId,
      patientId,
      resourceType: 'Observation',
    });
    return {
      patient,
      type: vital.type,
      code: { system: LOINC, code: vital.code, display: vital.display },
      unit: vital.unit,
      ...(vital.components
        ? { components: Object.fromEntries(Object.entries(vital.components).map(([name, c]) => [name, c.code])) }
        : {}),
      points,
      truncated: observations.more,
    };
  }

  private async observations(
    ctx: FhirContext,
    patient: string,
    vital: VitalSign,
    from: string | undefined,
    to: string | undefined,
    sort: string,
    count: number,
  ): Promise<Observation[] & { more: boolean }> {
    const params: [string, string][] = [
      ['subject', patient],
      ['code', `${LOINC}|${vital.code}`],
      ['category', 'vital-signs'],
      ['_sort', sort],
      ['_count', String(count)],
    ];
    if (from) params.push(['date', `ge${from}`]);
    if (to) params.push(['date', `le${to}`]);
    const bundle: Bundle = await this.deps.search.search(
      ctx,
      { resourceType: 'Observation', params, handling: 'strict' },
      SEARCH_BASE,
    );
    const found = (bundle.entry ?? [])
      .map((entry) => entry.resource as Observation)
      .filter((resource) => resource?.resourceType === 'Observation');
    return Object.assign(found, { more: Boolean(bundle.link?.some((link) => link.relation === 'next')) });
  }

  private async mustExist(ctx: FhirContext, path: string, reference: string) {
    const [type, id] = reference.split('/') as [string, string];
    try {
      return await this.deps.repository.read(ctx, type, id);
    } catch (error) {
      if (error instanceof FhirError && (error.status === 404 || error.status === 410)) {
        throw vitalsErrors.referenceNotFound(path, reference);
      }
      throw error;
    }
  }
}
