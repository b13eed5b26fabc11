import type { Immunization } from '@medplum/fhirtypes';
import type { FhirContext } from '../../fhir';
import type { ClinicalActor } from '../identity';
import { concept, SYSTEMS } from './clinical-lists.codes';
import { actorReference, type ClinicalRecords, statusNote, violationError } from './clinical-lists.records';
import { immunizationViolation } from './clinical-lists.rules';
import { type CreateImmunizationInput, NOT_GIVEN_REASONS, ROUTES, SITES } from './immunizations.schemas';

const PERFORMER = /^(Practitioner|PractitionerRole|Organization)\//;
const UCUM = 'http://unitsofmeasure.org';

/** Immunizations given (or not given, with the reason), CVX coded. */
export class ImmunizationsService {
  constructor(private readonly records: ClinicalRecords) {}

  list(ctx: FhirContext, actor: ClinicalActor, patientId: string, query: { status?: string[]; vaccine?: string }) {
    const params: [string, string][] = [];
    params.push(['status', (query.status ?? ['completed', 'not-done']).join(',')]);
    if (query.vaccine) params.push(['vaccine-code', `${SYSTEMS.cvx}|${query.vaccine}`]);
    return this.records.list<Immunization>(ctx, actor, patientId, 'Immunization', params);
  }

  read(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string) {
    return this.records.read<Immunization>(ctx, actor, patientId, 'Immunization', id, 'immunization');
  }

  async create(ctx: FhirContext, actor: ClinicalActor, patientId: string, input: CreateImmunizationInput) {
    const given = typeof input.vaccine === 'string' ? { code: input.vaccine } : input.vaccine;
    const vaccineCode = await this.records.coded({ system: SYSTEMS.cvx, ...given }, 'vaccine', [SYSTEMS.cvx]);
    const now = this.records.now();
    const caller = actorReference(actor, PERFORMER);
    const actorOfPerformer = input.performer
      ? { reference: input.performer }
      : input.primarySource
        ? caller
        : undefined;
    const immunization: Immunization = {
      resourceType: 'Immunization',
      status: input.status,
      ...(input.statusReason
        ? {
            statusReason: concept({
              system: SYSTEMS.actReason,
              code: input.statusReason,
              display: NOT_GIVEN_REASONS[input.statusReason],
            }),
          }
        : {}),
      vaccineCode,
      patient: { reference: `Patient/${patientId}` },
      ...(input.encounter ? { encounter: { reference: input.encounter } } : {}),
      occurrenceDateTime: input.occurrence ?? now,
      recorded: now,
      primarySource: input.primarySource,
      ...(input.reportOrigin ? { reportOrigin: await this.records.coded(input.reportOrigin, 'reportOrigin') } : {}),
      ...(input.lotNumber ? { lotNumber: input.lotNumber } : {}),
      ...(input.expirationDate ? { expirationDate: input.expirationDate } : {}),
      ...(input.site
        ? { site: concept({ system: SYSTEMS.actSite, code: input.site, display: SITES[input.site] }) }
        : {}),
      ...(input.route
        ? { route: concept({ system: SYSTEMS.route, code: input.route, display: ROUTES[input.route] }) }
        : {}),
      ...(input.dose
        ? { doseQuantity: { value: input.dose.value, unit: input.dose.unit, system: UCUM, code: input.dose.unit } }
        : {}),
      ...(input.status === 'completed' && actorOfPerformer
        ? {
            performer: [
              {
                function: concept({ system: SYSTEMS.performerFunction, code: 'AP', display: 'Administering Provider' }),
                actor: actorOfPerformer,
              },
            ],
          }
        : {}),
      ...(input.doseNumber ? { protocolApplied: [{ doseNumberPositiveInt: input.doseNumber }] } : {}),
      ...(input.note ? { note: [statusNote(actor, now, input.note)] } : {}),
    };
    const violation = immunizationViolation(undefined, immunization);
    if (violation) throw violationError(violation);
    const { repository } = this.records;
    return repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      const patient = await this.records.patient(inTx, patientId);
      await this.records.encounter(inTx, patient, input.encounter);
      if (input.performer) await this.records.mustExist(inTx, 'performer', input.performer);
      return (await repository.create(inTx, immunization)) as Immunization;
    });
  }

  enteredInError(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string, reason: string) {
    return this.records.change<Immunization>(ctx, patientId, 'Immunization', id, 'immunization', (current) => {
      if (current.status === 'entered-in-error') return current;
      return {
        ...current,
        status: 'entered-in-error',
        note: [...(current.note ?? []), statusNote(actor, this.records.now(), `Entered in error: ${reason}`)],
      };
    });
  }
}
