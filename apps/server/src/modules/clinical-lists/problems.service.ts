import type { CodeableConcept, Condition } from '@medplum/fhirtypes';
import type { FhirContext } from '../../fhir';
import type { ClinicalActor } from '../identity';
import { concept, SYSTEMS } from './clinical-lists.codes';
import { clinicalListErrors } from './clinical-lists.errors';
import { actorReference, type ClinicalRecords, statusNote, violationError } from './clinical-lists.records';
import {
  type ProblemClinicalStatus,
  problemClinicalStatus,
  problemVerificationStatus,
  problemViolation,
} from './clinical-lists.rules';
import type { CreateProblemInput, ProblemStatusInput } from './problems.schemas';

const RECORDER = /^(Practitioner|PractitionerRole|Patient|RelatedPerson)\//;
const ABATED = new Set<string>(['inactive', 'remission', 'resolved']);
/** Condition severity (SNOMED CT), as FHIR's condition-severity value set has it. */
const SEVERITY = {
  mild: { system: SYSTEMS.snomed, code: '255604002', display: 'Mild' },
  moderate: { system: SYSTEMS.snomed, code: '6736007', display: 'Moderate' },
  severe: { system: SYSTEMS.snomed, code: '24484000', display: 'Severe' },
};

const clinical = (code: string) => concept({ system: SYSTEMS.conditionClinical, code });
const verification = (code: string) => concept({ system: SYSTEMS.conditionVerification, code });

function withoutAbatement(condition: Condition): Condition {
  const {
    abatementDateTime: _d,
    abatementAge: _a,
    abatementPeriod: _p,
    abatementRange: _r,
    abatementString: _s,
    ...rest
  } = condition;
  return rest;
}

function notBefore(onset: string | undefined, abatement: string | undefined): void {
  if (onset && abatement && Date.parse(abatement) < Date.parse(onset)) {
    throw clinicalListErrors.invalidRequest('abatement: must not be before the onset', 'abatement');
  }
}

/** The problem list: Conditions of category problem-list-item, ICD-10-CM coded or free text. */
export class ProblemsService {
  constructor(private readonly records: ClinicalRecords) {}

  list(
    ctx: FhirContext,
    actor: ClinicalActor,
    patientId: string,
    query: { status?: string[]; verificationStatus?: string[] },
  ) {
    const params: [string, string][] = [['category', 'problem-list-item']];
    if (query.status) params.push(['clinical-status', query.status.join(',')]);
    if (query.verificationStatus) params.push(['verification-status', query.verificationStatus.join(',')]);
    return this.records.list<Condition>(ctx, actor, patientId, 'Condition', params).then((found) => ({
      ...found,
      // Entered in error means never true: left out unless asked for.
      items: query.verificationStatus?.includes('entered-in-error')
        ? found.items
        : found.items.filter((c) => problemVerificationStatus(c) !== 'entered-in-error'),
    }));
  }

  read(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string) {
    return this.records.read<Condition>(ctx, actor, patientId, 'Condition', id, 'problem');
  }

  async create(
    ctx: FhirContext,
    actor: ClinicalActor,
    patientId: string,
    input: CreateProblemInput,
  ): Promise<Condition> {
    const code = await this.code(input);
    if (input.abatement && !ABATED.has(input.clinicalStatus)) {
      throw clinicalListErrors.invalidRequest(
        `abatement: only an inactive, remission or resolved problem has one (this one is ${input.clinicalStatus})`,
        'abatement',
      );
    }
    notBefore(input.onset, input.abatement);
    const now = this.records.now();
    const recorder = actorReference(actor, RECORDER);
    const condition: Condition = {
      resourceType: 'Condition',
      clinicalStatus: clinical(input.clinicalStatus),
      verificationStatus: verification(input.verificationStatus),
      category: [
        concept({ system: SYSTEMS.conditionCategory, code: 'problem-list-item', display: 'Problem List Item' }),
      ],
      ...(input.severity ? { severity: concept(SEVERITY[input.severity]) } : {}),
      code,
      subject: { reference: `Patient/${patientId}` },
      ...(input.encounter ? { encounter: { reference: input.encounter } } : {}),
      ...(input.onset ? { onsetDateTime: input.onset } : {}),
      ...(input.abatement ? { abatementDateTime: input.abatement } : {}),
      recordedDate: now,
      ...(recorder ? { recorder } : {}),
      ...(input.note ? { note: [statusNote(actor, now, input.note)] } : {}),
    };
    const violation = problemViolation(undefined, condition);
    if (violation) throw violationError(violation);
    const { repository } = this.records;
    return repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      const patient = await this.records.patient(inTx, patientId);
      await this.records.encounter(inTx, patient, input.encounter);
      return (await repository.create(inTx, condition)) as Condition;
    });
  }

  /** A change of clinical or verification status, with its date and a note of it on the problem. */
  setStatus(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string, input: ProblemStatusInput) {
    return this.records.change<Condition>(ctx, patientId, 'Condition', id, 'problem', (current) => {
      const from = problemClinicalStatus(current);
      if (problemVerificationStatus(current) === 'entered-in-error') {
        throw clinicalListErrors.ruleBroken(
          'verificationStatus',
          'the problem was entered in error and can no longer change',
        );
      }
      const now = this.records.now();
      let next: Condition = { ...current };
      const changes: string[] = [];
      const to = input.clinicalStatus as ProblemClinicalStatus | undefined;
      if (to && to !== from) {
        const date = input.date ?? now;
        next = ABATED.has(to) ? { ...withoutAbatement(next) } : withoutAbatement(next);
        if (to === 'resolved' || (ABATED.has(to) && input.date)) next.abatementDateTime = date;
        else if (ABATED.has(to) && current.abatementDateTime) next.abatementDateTime = current.abatementDateTime;
        notBefore(next.onsetDateTime, next.abatementDateTime);
        next.clinicalStatus = clinical(to);
        changes.push(`clinical status ${from ?? 'none'} → ${to} on ${date}`);
      }
      const verify = input.verificationStatus;
      if (verify && verify !== problemVerificationStatus(current)) {
        next.verificationStatus = verification(verify);
        changes.push(`verification ${problemVerificationStatus(current) ?? 'none'} → ${verify}`);
      }
      if (!changes.length && !input.note) return current;
      const text = `${changes.length ? `${changes.join('; ')}` : 'Note'}${input.note ? `: ${input.note}` : ''}`;
      next.note = [...(current.note ?? []), statusNote(actor, now, text)];
      const violation = problemViolation(current, next);
      if (violation) throw violationError(violation);
      return next;
    });
  }

  /** Entered in error: never true. FHIR has it carry no clinical status (con-5). */
  enteredInError(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string, reason: string) {
    return this.records.change<Condition>(ctx, patientId, 'Condition', id, 'problem', (current) => {
      if (problemVerificationStatus(current) === 'entered-in-error') return current;
      const { clinicalStatus: _old, ...rest } = current;
      const now = this.records.now();
      return {
        ...rest,
        verificationStatus: verification('entered-in-error'),
        note: [...(current.note ?? []), statusNote(actor, now, `Entered in error: ${reason}`)],
      };
    });
  }

  private async code(input: CreateProblemInput): Promise<CodeableConcept> {
    if (input.code === undefined) return { text: input.text! };
    const given = typeof input.code === 'string' ? { code: input.code } : input.code;
    const system = given.system ?? SYSTEMS.icd10cm;
    const coded = await this.records.coded(
      {
        system,
        code: given.code,
        ...('display' in given && given.display ? { display: given.display } : {}),
        ...(input.text ? { text: input.text } : {}),
      },
      'code',
      [SYSTEMS.icd10cm],
    );
    return coded;
  }
}
