import type { Period, Procedure } from '@medplum/fhirtypes';
import type { FhirContext } from '../../fhir';
import type { ClinicalActor } from '../identity';
import { SYSTEMS } from './clinical-lists.codes';
import { clinicalListErrors } from './clinical-lists.errors';
import { actorReference, type ClinicalRecords, statusNote, violationError } from './clinical-lists.records';
import { procedureViolation } from './clinical-lists.rules';
import type { CreateProcedureInput, ProcedureStatusInput } from './procedures.schemas';

const PERFORMER = /^(Practitioner|PractitionerRole|Organization|Patient|RelatedPerson|Device)\//;
const RECORDER = /^(Practitioner|PractitionerRole|Patient|RelatedPerson)\//;
const CODE_SYSTEMS = [SYSTEMS.snomed, SYSTEMS.cpt, SYSTEMS.hcpcs];

/** Procedures done (or not), SNOMED CT, CPT or HCPCS coded, with body sites and their laterality. */
export class ProceduresService {
  constructor(private readonly records: ClinicalRecords) {}

  list(ctx: FhirContext, actor: ClinicalActor, patientId: string, query: { status?: string[] }) {
    const status = query.status ?? [
      'preparation',
      'in-progress',
      'not-done',
      'on-hold',
      'stopped',
      'completed',
      'unknown',
    ];
    return this.records.list<Procedure>(ctx, actor, patientId, 'Procedure', [['status', status.join(',')]]);
  }

  read(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string) {
    return this.records.read<Procedure>(ctx, actor, patientId, 'Procedure', id, 'procedure');
  }

  async create(ctx: FhirContext, actor: ClinicalActor, patientId: string, input: CreateProcedureInput) {
    const code = await this.records.coded(input.code, 'code', CODE_SYSTEMS);
    const bodySite = [];
    for (const [index, site] of input.bodySites.entries()) {
      bodySite.push(await this.records.bodySite(site, `bodySites.${index}`));
    }
    const performed = input.performed ?? (input.status === 'completed' ? this.records.now() : undefined);
    if (typeof performed === 'object' && performed.end && Date.parse(performed.end) < Date.parse(performed.start)) {
      throw clinicalListErrors.invalidRequest('performed.end: must not be before the start', 'performed.end');
    }
    const now = this.records.now();
    const caller = actorReference(actor, PERFORMER);
    const performerActor = input.performer ? { reference: input.performer } : caller;
    const recorder = actorReference(actor, RECORDER);
    const procedure: Procedure = {
      resourceType: 'Procedure',
      status: input.status,
      ...(input.statusReason ? { statusReason: await this.records.coded(input.statusReason, 'statusReason') } : {}),
      code,
      subject: { reference: `Patient/${patientId}` },
      ...(input.encounter ? { encounter: { reference: input.encounter } } : {}),
      ...(typeof performed === 'string' ? { performedDateTime: performed } : {}),
      ...(typeof performed === 'object' ? { performedPeriod: performed as Period } : {}),
      ...(recorder ? { recorder } : {}),
      ...(performerActor && input.status !== 'not-done' ? { performer: [{ actor: performerActor }] } : {}),
      ...(input.reason ? { reasonCode: [await this.records.coded(input.reason, 'reason')] } : {}),
      ...(bodySite.length ? { bodySite } : {}),
      ...(input.outcome ? { outcome: await this.records.coded(input.outcome, 'outcome') } : {}),
      ...(input.note ? { note: [statusNote(actor, now, input.note)] } : {}),
    };
    const violation = procedureViolation(undefined, procedure);
    if (violation) throw violationError(violation);
    const { repository } = this.records;
    return repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      const patient = await this.records.patient(inTx, patientId);
      await this.records.encounter(inTx, patient, input.encounter);
      if (input.performer) await this.records.mustExist(inTx, 'performer', input.performer);
      return (await repository.create(inTx, procedure)) as Procedure;
    });
  }

  async setStatus(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string, input: ProcedureStatusInput) {
    // Codes are checked before the transaction: the terminology service reads on a connection of its own.
    const statusReason = input.statusReason ? await this.records.coded(input.statusReason, 'statusReason') : undefined;
    return this.records.change<Procedure>(ctx, patientId, 'Procedure', id, 'procedure', (current) => {
      const to = input.status as Procedure['status'];
      const next: Procedure = { ...current, status: to };
      const violation = procedureViolation(current, next);
      if (violation) throw violationError(violation);
      if (to === 'not-done' && !statusReason && !current.statusReason) {
        throw clinicalListErrors.invalidRequest('statusReason: a procedure not done needs the reason', 'statusReason');
      }
      if (statusReason) next.statusReason = statusReason;
      const date = input.date ?? this.records.now();
      if (to === 'in-progress' && !current.performedDateTime && !current.performedPeriod) {
        next.performedPeriod = { start: date };
      }
      if ((to === 'completed' || to === 'stopped') && !current.performedDateTime) {
        const start = current.performedPeriod?.start;
        if (start && Date.parse(date) < Date.parse(start)) {
          throw clinicalListErrors.invalidRequest('date: must not be before the procedure started', 'date');
        }
        next.performedPeriod = start ? { ...current.performedPeriod, end: date } : undefined;
        if (!start) next.performedDateTime = date;
        if (!next.performedPeriod) delete next.performedPeriod;
      }
      const text = `Status ${current.status} → ${to}${input.note ? `: ${input.note}` : ''}`;
      next.note = [...(current.note ?? []), statusNote(actor, this.records.now(), text)];
      return next;
    });
  }

  enteredInError(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string, reason: string) {
    return this.records.change<Procedure>(ctx, patientId, 'Procedure', id, 'procedure', (current) => {
      if (current.status === 'entered-in-error') return current;
      return {
        ...current,
        status: 'entered-in-error',
        note: [...(current.note ?? []), statusNote(actor, this.records.now(), `Entered in error: ${reason}`)],
      };
    });
  }
}
