import type { CodeableConcept, Condition } from '@medplum/fhirtypes';
import type { FhirContext } from '../../fhir';
import type { ClinicalActor } from '../identity';
import { codeOf, concept, SYSTEMS } from './clinical-lists.codes';
import { clinicalListErrors } from './clinical-lists.errors';
import { actorReference, type ClinicalRecords, statusNote, violationError } from './clinical-lists.records';
import {
  type ProblemClinicalStatus,
  problemClinicalStatus,
  problemVerificationStatus,
  problemViolation,
} from './clinical-lists.rules';
import type { CreateProblemInput, EditProblemInput, ProblemStatusInput } from './problems.schemas';

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

function withoutOnset(condition: Condition): Condition {
  const { onsetDateTime: _d, onsetAge: _a, onsetPeriod: _p, onsetRange: _r, onsetString: _s, ...rest } = condition;
  return rest;
}

function severityOf(condition: Condition): keyof typeof SEVERITY | undefined {
  const code = codeOf(condition.severity, SYSTEMS.snomed);
  return (Object.keys(SEVERITY) as (keyof typeof SEVERITY)[]).find((key) => SEVERITY[key].code === code);
}

/** A problem does not go away before it began; `path` is the field of the request that made it so. */
function notBefore(onset: string | undefined, abatement: string | undefined, path: 'abatement' | 'date' | 'onset') {
  if (!onset || !abatement || Date.parse(abatement) >= Date.parse(onset)) return;
  const message =
    path === 'onset'
      ? `onset: must not be after the date the problem went away (${abatement})`
      : `${path}: must not be before the onset (${onset})`;
  throw clinicalListErrors.invalidRequest(message, path);
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
    notBefore(input.onset, input.abatement, 'abatement');
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
    return this.edit(ctx, actor, patientId, id, input);
  }

  /**
   * Details and status in one change: onset, severity, clinical status (with its date), verification.
   * Each change is noted on the problem (who, from → to), the note given with it.
   */
  edit(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string, input: EditProblemInput) {
    return this.records.change<Condition>(ctx, patientId, 'Condition', id, 'problem', (current) => {
      if (problemVerificationStatus(current) === 'entered-in-error') {
        throw clinicalListErrors.ruleBroken(
          'verificationStatus',
          'the problem was entered in error and can no longer change',
        );
      }
      const now = this.records.now();
      const changes: string[] = [];
      let next: Condition = { ...current };
      if (input.onset !== undefined && input.onset !== (current.onsetDateTime ?? null)) {
        next = withoutOnset(next);
        if (input.onset) next.onsetDateTime = input.onset;
        changes.push(`onset ${current.onsetDateTime ?? 'none'} → ${input.onset ?? 'none'}`);
      }
      const severity = severityOf(current);
      if (input.severity !== undefined && input.severity !== (severity ?? null)) {
        const { severity: _old, ...rest } = next;
        next = input.severity ? { ...rest, severity: concept(SEVERITY[input.severity]) } : rest;
        changes.push(`severity ${severity ?? 'none'} → ${input.severity ?? 'none'}`);
      }
      const from = problemClinicalStatus(current);
      const to = input.clinicalStatus as ProblemClinicalStatus | undefined;
      if (to && to !== from) {
        const date = input.date ?? now;
        next = withoutAbatement(next);
        if (to === 'resolved' || (ABATED.has(to) && input.date)) next.abatementDateTime = date;
        else if (ABATED.has(to) && current.abatementDateTime) next.abatementDateTime = current.abatementDateTime;
        next.clinicalStatus = clinical(to);
        changes.push(`clinical status ${from ?? 'none'} → ${to} on ${date}`);
      }
      if (next.onsetDateTime !== current.onsetDateTime || next.abatementDateTime !== current.abatementDateTime) {
        notBefore(next.onsetDateTime, next.abatementDateTime, input.onset !== undefined ? 'onset' : 'date');
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

  /**
   * Entered in error: never true. FHIR has it carry no clinical status (con-5), and so no abatement either
   * (con-4: an abated condition is inactive, remission or resolved); the version history keeps both.
   */
  enteredInError(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string, reason: string) {
    return this.records.change<Condition>(ctx, patientId, 'Condition', id, 'problem', (current) => {
      if (problemVerificationStatus(current) === 'entered-in-error') return current;
      const { clinicalStatus: _old, ...rest } = withoutAbatement(current);
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
