import type { CodeableConcept, Observation, ObservationComponent } from '@medplum/fhirtypes';
import type { FhirContext } from '../../fhir';
import type { ClinicalActor } from '../identity';
import { bodySystem } from './assessments.catalog';
import type { CreateAssessmentInput } from './assessments.schemas';
import { codeOf, concept, lateralityOf, SYSTEMS } from './clinical-lists.codes';
import { clinicalListErrors } from './clinical-lists.errors';
import { actorReference, type ClinicalRecords, statusNote } from './clinical-lists.records';
import { ASSESSMENT_PANELS, type AssessmentKind } from './clinical-lists.rules';

const PERFORMER = /^(Practitioner|PractitionerRole|Organization|CareTeam|Patient|RelatedPerson)\//;
const INTERPRETATION = {
  normal: { system: SYSTEMS.interpretation, code: 'N', display: 'Normal' },
  abnormal: { system: SYSTEMS.interpretation, code: 'A', display: 'Abnormal' },
};
const LIVE_STATUSES = 'registered,preliminary,final,amended,corrected';

function systemConcept(key: string): CodeableConcept {
  const system = bodySystem(key)!;
  return concept({ system: SYSTEMS.bodySystem, code: system.key, display: system.display }, system.display);
}

function interpretationOf(observation: { interpretation?: CodeableConcept[] }): 'normal' | 'abnormal' | undefined {
  const code = observation.interpretation?.[0]?.coding?.[0]?.code;
  return code === 'N' ? 'normal' : code === 'A' ? 'abnormal' : undefined;
}

function kindOf(panel: Observation): AssessmentKind | undefined {
  const code = codeOf(panel.code, SYSTEMS.loinc);
  return (Object.keys(ASSESSMENT_PANELS) as AssessmentKind[]).find((kind) => ASSESSMENT_PANELS[kind].code === code);
}

/** An assessment as the API answers it: the panel, each system, each finding, and the FHIR resources. */
export function assessmentView(panel: Observation, members: Observation[]) {
  return {
    id: panel.id,
    kind: kindOf(panel),
    status: panel.status,
    effective: panel.effectiveDateTime,
    encounter: panel.encounter?.reference,
    systems: (panel.component ?? []).map((component) => ({
      system: codeOf(component.code, SYSTEMS.bodySystem),
      display: component.code.text,
      status: interpretationOf(component),
      ...(component.valueString ? { finding: component.valueString } : {}),
    })),
    findings: members.map((member) => ({
      id: member.id,
      system: codeOf(member.code, SYSTEMS.bodySystem),
      site: member.bodySite,
      laterality: lateralityOf(member.bodySite),
      finding: member.valueCodeableConcept,
      interpretation: interpretationOf(member),
    })),
    observation: panel,
    members,
  };
}

/**
 * Body-system assessments: a physical examination (category exam) or review of systems (category survey)
 * as one panel Observation, each system a component (normal or abnormal, interpretation N or A, the
 * finding as text), each finding at a body site an Observation of its own (bodySite with laterality)
 * that the panel names in hasMember.
 */
export class AssessmentsService {
  constructor(private readonly records: ClinicalRecords) {}

  async list(
    ctx: FhirContext,
    actor: ClinicalActor,
    patientId: string,
    query: { kind?: AssessmentKind; includeEnteredInError?: boolean },
  ) {
    const kinds = query.kind ? [query.kind] : (Object.keys(ASSESSMENT_PANELS) as AssessmentKind[]);
    const params: [string, string][] = [
      ['code', kinds.map((kind) => `${SYSTEMS.loinc}|${ASSESSMENT_PANELS[kind].code}`).join(',')],
      ['_include', 'Observation:has-member'],
    ];
    if (!query.includeEnteredInError) params.push(['status', LIVE_STATUSES]);
    const found = await this.records.list<Observation>(ctx, actor, patientId, 'Observation', params);
    const byReference = new Map(
      found.included.map((resource) => [`Observation/${resource.id}`, resource as Observation]),
    );
    return {
      items: found.items.map((panel) =>
        assessmentView(
          panel,
          (panel.hasMember ?? []).flatMap((m) => byReference.get(m.reference ?? '') ?? []),
        ),
      ),
      truncated: found.truncated,
    };
  }

  async read(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string) {
    const panel = await this.records.read<Observation>(ctx, actor, patientId, 'Observation', id, 'assessment');
    if (!kindOf(panel)) return this.notAssessment(id);
    return assessmentView(panel, await this.members(ctx, patientId, panel));
  }

  async create(ctx: FhirContext, actor: ClinicalActor, patientId: string, input: CreateAssessmentInput) {
    const panelCode = ASSESSMENT_PANELS[input.kind];
    const now = this.records.now();
    const effective = input.effective ?? now;
    const performer = actorReference(actor, PERFORMER);
    const common = {
      resourceType: 'Observation' as const,
      status: input.status,
      category: [concept({ system: SYSTEMS.observationCategory, code: panelCode.category })],
      subject: { reference: `Patient/${patientId}` },
      ...(input.encounter ? { encounter: { reference: input.encounter } } : {}),
      effectiveDateTime: effective,
      issued: now,
      ...(performer ? { performer: [performer] } : {}),
    };
    const findings: Observation[] = [];
    for (const [index, finding] of input.findings.entries()) {
      const path = `findings.${index}`;
      findings.push({
        ...common,
        code: { ...systemConcept(finding.system), text: `${bodySystem(finding.system)!.display} finding` },
        bodySite: await this.records.bodySite(finding, path),
        valueCodeableConcept: await this.records.coded(finding.finding, `${path}.finding`, [SYSTEMS.snomed]),
        interpretation: [concept(INTERPRETATION[finding.interpretation])],
      });
    }
    const component: ObservationComponent[] = input.systems.map((entry) => ({
      code: systemConcept(entry.system),
      interpretation: [concept(INTERPRETATION[entry.status])],
      ...(entry.finding ? { valueString: entry.finding } : {}),
    }));
    const { repository } = this.records;
    return repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      const patient = await this.records.patient(inTx, patientId);
      await this.records.encounter(inTx, patient, input.encounter);
      const members: Observation[] = [];
      for (const finding of findings) members.push((await repository.create(inTx, finding)) as Observation);
      const panel = (await repository.create(inTx, {
        ...common,
        code: concept(
          { system: SYSTEMS.loinc, code: panelCode.code, display: panelCode.display },
          input.kind === 'physical-exam' ? 'Physical examination' : 'Review of systems',
        ),
        ...(component.length ? { component } : {}),
        ...(members.length ? { hasMember: members.map((member) => ({ reference: `Observation/${member.id}` })) } : {}),
        ...(input.note ? { note: [statusNote(actor, now, input.note)] } : {}),
      } satisfies Observation)) as Observation;
      return assessmentView(panel, members);
    });
  }

  /** The panel and each of its findings, in one transaction. */
  async enteredInError(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string, reason: string) {
    return this.records.repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      const mark = (observation: Observation): Observation =>
        observation.status === 'entered-in-error'
          ? observation
          : {
              ...observation,
              status: 'entered-in-error',
              note: [...(observation.note ?? []), statusNote(actor, this.records.now(), `Entered in error: ${reason}`)],
            };
      const panel = await this.records.change<Observation>(
        inTx,
        patientId,
        'Observation',
        id,
        'assessment',
        (current) => (kindOf(current) ? mark(current) : this.notAssessment(id)),
      );
      const members: Observation[] = [];
      for (const member of panel.hasMember ?? []) {
        const memberId = member.reference?.split('/')[1];
        if (!memberId) continue;
        members.push(await this.records.change<Observation>(inTx, patientId, 'Observation', memberId, 'finding', mark));
      }
      return assessmentView(panel, members);
    });
  }

  private async members(ctx: FhirContext, patientId: string, panel: Observation): Promise<Observation[]> {
    const members: Observation[] = [];
    for (const member of panel.hasMember ?? []) {
      const memberId = member.reference?.split('/')[1];
      if (memberId)
        members.push(await this.records.get<Observation>(ctx, patientId, 'Observation', memberId, 'finding'));
    }
    return members;
  }

  private notAssessment(id: string): never {
    throw clinicalListErrors.notFound('assessment', id);
  }
}
