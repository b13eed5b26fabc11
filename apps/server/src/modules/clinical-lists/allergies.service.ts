import type { AllergyIntolerance, AllergyIntoleranceReaction, Bundle } from '@medplum/fhirtypes';
import type { FhirContext } from '../../fhir';
import type { ClinicalActor } from '../identity';
import type {
  AllergyStatusInput,
  CreateAllergyInput,
  EditAllergyInput,
  NoKnownAllergyInput,
  ReactionInput,
} from './allergies.schemas';
import { concept, NO_KNOWN_ALLERGY, type NoKnownScope, noKnownScopeOf, SYSTEMS } from './clinical-lists.codes';
import { clinicalListErrors } from './clinical-lists.errors';
import { actorReference, type ClinicalRecords, statusNote, violationError } from './clinical-lists.records';
import { allergyClinicalStatus, allergyVerificationStatus, allergyViolation } from './clinical-lists.rules';
import { lockPatientAllergies } from './clinical-lists.store';

const RECORDER = /^(Practitioner|PractitionerRole|Patient|RelatedPerson)\//;
const SUBSTANCE_SYSTEMS = [SYSTEMS.rxnorm, SYSTEMS.snomed, SYSTEMS.unii];
const SEARCH_BASE = 'urn:meridian:clinical-lists';

const clinical = (code: string) => concept({ system: SYSTEMS.allergyClinical, code });
const verification = (code: string) => concept({ system: SYSTEMS.allergyVerification, code });

/** In force: active and neither refuted nor entered in error. */
function inForce(allergy: AllergyIntolerance): boolean {
  const verified = allergyVerificationStatus(allergy);
  return allergyClinicalStatus(allergy) === 'active' && verified !== 'refuted' && verified !== 'entered-in-error';
}

/**
 * Does a "no known allergy" of `scope` contradict a real allergy of these categories? "No known allergy"
 * speaks for every category; a scoped one (NKDA) for its own, and for allergies whose category is unknown.
 */
function contradicts(scope: NoKnownScope, categories: readonly string[] | undefined): boolean {
  return scope === 'all' || !categories?.length || categories.includes(scope);
}

/** The fields of an edit that are details, not status: a "no known allergy" record has none. */
const DETAILS = ['type', 'category', 'criticality', 'onset', 'reactions'] as const;

function withoutKey<K extends keyof AllergyIntolerance>(allergy: AllergyIntolerance, key: K): AllergyIntolerance {
  const { [key]: _old, ...rest } = allergy;
  return rest as AllergyIntolerance;
}

function withoutOnset(allergy: AllergyIntolerance): AllergyIntolerance {
  const { onsetDateTime: _d, onsetAge: _a, onsetPeriod: _p, onsetRange: _r, onsetString: _s, ...rest } = allergy;
  return rest;
}

/** Reactions in a note's words: "Hives (severe); Wheezing". */
function reactionsText(reactions: AllergyIntoleranceReaction[] | undefined): string {
  const text = (reactions ?? []).map((reaction) => {
    const what = reaction.manifestation
      .map((m) => m.text ?? m.coding?.[0]?.display ?? m.coding?.[0]?.code)
      .filter(Boolean)
      .join(', ');
    return reaction.severity ? `${what} (${reaction.severity})` : what;
  });
  return text.join('; ') || 'none';
}

/**
 * Allergies and intolerances, and "no known allergy" recorded as the SNOMED CT situation it is (US Core's
 * way), which cannot stand beside an allergy in force of the same scope.
 */
export class AllergiesService {
  constructor(private readonly records: ClinicalRecords) {}

  list(
    ctx: FhirContext,
    actor: ClinicalActor,
    patientId: string,
    query: { status?: string[]; verificationStatus?: string[]; category?: string[]; type?: string },
  ) {
    const params: [string, string][] = [];
    if (query.status) params.push(['clinical-status', query.status.join(',')]);
    if (query.verificationStatus) params.push(['verification-status', query.verificationStatus.join(',')]);
    if (query.category) params.push(['category', query.category.join(',')]);
    if (query.type) params.push(['type', query.type]);
    return this.records.list<AllergyIntolerance>(ctx, actor, patientId, 'AllergyIntolerance', params).then((found) => ({
      ...found,
      items: query.verificationStatus?.includes('entered-in-error')
        ? found.items
        : found.items.filter((a) => allergyVerificationStatus(a) !== 'entered-in-error'),
    }));
  }

  read(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string) {
    return this.records.read<AllergyIntolerance>(ctx, actor, patientId, 'AllergyIntolerance', id, 'allergy');
  }

  async create(ctx: FhirContext, actor: ClinicalActor, patientId: string, input: CreateAllergyInput) {
    const code = await this.records.coded(input.substance, 'substance', SUBSTANCE_SYSTEMS);
    if (noKnownScopeOf(code)) {
      throw clinicalListErrors.invalidRequest(
        'substance: record "no known allergy" with POST /patients/{id}/allergies/no-known',
        'substance',
      );
    }
    const reaction = await this.reactions(input.reactions);
    const now = this.records.now();
    const recorder = actorReference(actor, RECORDER);
    const allergy: AllergyIntolerance = {
      resourceType: 'AllergyIntolerance',
      clinicalStatus: clinical(input.clinicalStatus),
      verificationStatus: verification(input.verificationStatus),
      ...(input.type ? { type: input.type } : {}),
      ...(input.category?.length ? { category: [...new Set(input.category)] } : {}),
      ...(input.criticality ? { criticality: input.criticality } : {}),
      code,
      patient: { reference: `Patient/${patientId}` },
      ...(input.encounter ? { encounter: { reference: input.encounter } } : {}),
      ...(input.onset ? { onsetDateTime: input.onset } : {}),
      recordedDate: now,
      ...(recorder ? { recorder } : {}),
      ...(reaction.length ? { reaction } : {}),
      ...(input.note ? { note: [statusNote(actor, now, input.note)] } : {}),
    };
    return this.write(ctx, actor, patientId, input.encounter, allergy, input.replaceNoKnownAllergies);
  }

  /** "No known allergy" (or NKDA, food, environment): refused while an allergy of that scope is in force. */
  async noKnown(ctx: FhirContext, actor: ClinicalActor, patientId: string, input: NoKnownAllergyInput) {
    const now = this.records.now();
    const recorder = actorReference(actor, RECORDER);
    const allergy: AllergyIntolerance = {
      resourceType: 'AllergyIntolerance',
      clinicalStatus: clinical('active'),
      verificationStatus: verification('confirmed'),
      ...(input.scope !== 'all' ? { category: [input.scope] } : {}),
      code: concept(NO_KNOWN_ALLERGY[input.scope], NO_KNOWN_ALLERGY[input.scope].display),
      patient: { reference: `Patient/${patientId}` },
      ...(input.encounter ? { encounter: { reference: input.encounter } } : {}),
      recordedDate: now,
      ...(recorder ? { recorder } : {}),
      ...(input.note ? { note: [statusNote(actor, now, input.note)] } : {}),
    };
    return this.write(ctx, actor, patientId, input.encounter, allergy, false);
  }

  setStatus(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string, input: AllergyStatusInput) {
    return this.edit(ctx, actor, patientId, id, input);
  }

  /**
   * Details and status in one change, each noted on the allergy (from → to) with the note given. Back in
   * force, the allergy meets "no known allergy" as a new one would.
   */
  async edit(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string, input: EditAllergyInput) {
    // Codes are checked before anything is written, as on create.
    const reactions = input.reactions && (await this.reactions(input.reactions));
    return this.records.change<AllergyIntolerance>(
      ctx,
      patientId,
      'AllergyIntolerance',
      id,
      'allergy',
      async (current, inTx) => {
        if (allergyVerificationStatus(current) === 'entered-in-error') {
          throw clinicalListErrors.ruleBroken(
            'verificationStatus',
            'the allergy was entered in error and can no longer change',
          );
        }
        const detail = DETAILS.find((field) => input[field] !== undefined);
        if (detail && noKnownScopeOf(current.code)) {
          throw clinicalListErrors.ruleBroken(
            detail,
            '"no known allergy" has no details to edit; change its status, or record the allergy instead',
          );
        }
        const changes: string[] = [];
        let next: AllergyIntolerance = { ...current };
        for (const [field, element] of [
          ['type', 'type'],
          ['criticality', 'criticality'],
          ['onset', 'onsetDateTime'],
        ] as const) {
          const value = input[field];
          if (value === undefined || value === (current[element] ?? null)) continue;
          next = field === 'onset' ? withoutOnset(next) : withoutKey(next, element);
          if (value !== null) next = { ...next, [element]: value };
          changes.push(`${field} ${current[element] ?? 'none'} → ${value ?? 'none'}`);
        }
        const category = input.category && [...new Set(input.category)];
        if (category && category.join() !== (current.category ?? []).join()) {
          next = category.length ? { ...next, category } : withoutKey(next, 'category');
          changes.push(`category ${current.category?.join(', ') || 'none'} → ${category.join(', ') || 'none'}`);
        }
        if (reactions && JSON.stringify(reactions) !== JSON.stringify(current.reaction ?? [])) {
          next = reactions.length ? { ...next, reaction: reactions } : withoutKey(next, 'reaction');
          changes.push(`reactions ${reactionsText(current.reaction)} → ${reactionsText(reactions)}`);
        }
        const from = allergyClinicalStatus(current);
        if (input.clinicalStatus && input.clinicalStatus !== from) {
          next.clinicalStatus = clinical(input.clinicalStatus);
          changes.push(`clinical status ${from ?? 'none'} → ${input.clinicalStatus}`);
        }
        const verified = allergyVerificationStatus(current);
        if (input.verificationStatus && input.verificationStatus !== verified) {
          next.verificationStatus = verification(input.verificationStatus);
          changes.push(`verification ${verified ?? 'none'} → ${input.verificationStatus}`);
        }
        if (!changes.length && !input.note) return current;
        const now = this.records.now();
        next.note = [
          ...(current.note ?? []),
          statusNote(actor, now, `${changes.join('; ') || 'Note'}${input.note ? `: ${input.note}` : ''}`),
        ];
        const violation = allergyViolation(current, next);
        if (violation) throw violationError(violation);
        // Back in force: the same rule as a new record against "no known allergy".
        if (inForce(next) && !inForce(current)) {
          if (inTx.tx) await lockPatientAllergies(inTx.tx, ctx.tenantId, patientId);
          await this.checkNoKnown(inTx, actor, patientId, next, input.replaceNoKnownAllergies);
        }
        return next;
      },
    );
  }

  enteredInError(ctx: FhirContext, actor: ClinicalActor, patientId: string, id: string, reason: string) {
    return this.records.change<AllergyIntolerance>(ctx, patientId, 'AllergyIntolerance', id, 'allergy', (current) => {
      if (allergyVerificationStatus(current) === 'entered-in-error') return current;
      // FHIR has an allergy entered in error carry no clinical status (ait-2).
      const { clinicalStatus: _old, ...rest } = current;
      return {
        ...rest,
        verificationStatus: verification('entered-in-error'),
        note: [...(current.note ?? []), statusNote(actor, this.records.now(), `Entered in error: ${reason}`)],
      };
    });
  }

  /** Reactions as FHIR has them, each manifestation and substance checked; errors name `reactions.<n>…`. */
  private async reactions(given: ReactionInput[]): Promise<AllergyIntoleranceReaction[]> {
    const reaction: AllergyIntoleranceReaction[] = [];
    for (const [index, entry] of given.entries()) {
      const path = `reactions.${index}`;
      const manifestation = [];
      for (const [m, item] of entry.manifestations.entries()) {
        manifestation.push(await this.records.coded(item, `${path}.manifestations.${m}`, [SYSTEMS.snomed]));
      }
      reaction.push({
        ...(entry.substance
          ? { substance: await this.records.coded(entry.substance, `${path}.substance`, SUBSTANCE_SYSTEMS) }
          : {}),
        manifestation,
        ...(entry.description ? { description: entry.description } : {}),
        ...(entry.onset ? { onset: entry.onset } : {}),
        ...(entry.severity ? { severity: entry.severity } : {}),
      });
    }
    return reaction;
  }

  private async write(
    ctx: FhirContext,
    actor: ClinicalActor,
    patientId: string,
    encounter: string | undefined,
    allergy: AllergyIntolerance,
    replaceNoKnown: boolean,
  ): Promise<AllergyIntolerance> {
    const violation = allergyViolation(undefined, allergy);
    if (violation) throw violationError(violation);
    const { repository } = this.records;
    return repository.inTransaction(ctx, async (tx) => {
      const inTx = { ...ctx, tx };
      const patient = await this.records.patient(inTx, patientId);
      await this.records.encounter(inTx, patient, encounter);
      if (inForce(allergy)) {
        await lockPatientAllergies(tx, ctx.tenantId, patientId);
        await this.checkNoKnown(inTx, actor, patientId, allergy, replaceNoKnown);
      }
      return (await repository.create(inTx, allergy)) as AllergyIntolerance;
    });
  }

  /**
   * An allergy in force and "no known allergy" of the same scope contradict each other: refused, or for
   * a real allergy with `replace`, the "no known allergy" records are made inactive in the same change.
   */
  private async checkNoKnown(
    ctx: FhirContext,
    actor: ClinicalActor,
    patientId: string,
    allergy: AllergyIntolerance,
    replace: boolean,
  ): Promise<void> {
    const others = (await this.inForce(ctx, patientId)).filter((other) => other.id !== allergy.id);
    const scope = noKnownScopeOf(allergy.code);
    if (scope) {
      const same = others.filter((other) => noKnownScopeOf(other.code) === scope);
      if (same.length) {
        throw clinicalListErrors.noKnownAllergyConflict(
          `"${NO_KNOWN_ALLERGY[scope].display}" is already recorded`,
          same.map((other) => `AllergyIntolerance/${other.id}`),
        );
      }
      const real = others.filter((other) => !noKnownScopeOf(other.code) && contradicts(scope, other.category));
      if (real.length) {
        throw clinicalListErrors.noKnownAllergyConflict(
          `"${NO_KNOWN_ALLERGY[scope].display}" contradicts ${real.length} allergy record(s) in force; make them inactive, resolved or refuted first`,
          real.map((other) => `AllergyIntolerance/${other.id}`),
        );
      }
      return;
    }
    const denials = others.filter((other) => {
      const otherScope = noKnownScopeOf(other.code);
      return otherScope !== undefined && contradicts(otherScope, allergy.category);
    });
    if (!denials.length) return;
    if (!replace) {
      throw clinicalListErrors.noKnownAllergyConflict(
        'The patient is recorded as having no known allergy of this kind; retire that record first, or send replaceNoKnownAllergies: true',
        denials.map((other) => `AllergyIntolerance/${other.id}`),
      );
    }
    const now = this.records.now();
    for (const denial of denials) {
      await this.records.repository.update(
        ctx,
        'AllergyIntolerance',
        denial.id!,
        {
          ...denial,
          clinicalStatus: clinical('inactive'),
          note: [
            ...(denial.note ?? []),
            statusNote(actor, now, 'Clinical status active → inactive: an allergy was recorded'),
          ],
        },
        { ifMatch: `W/"${denial.meta?.versionId}"` },
      );
    }
  }

  private async inForce(ctx: FhirContext, patientId: string): Promise<AllergyIntolerance[]> {
    const bundle: Bundle = await this.records.deps.search.search(
      ctx,
      {
        resourceType: 'AllergyIntolerance',
        params: [
          ['patient', `Patient/${patientId}`],
          ['clinical-status', 'active'],
          ['_count', '1000'],
        ],
        handling: 'strict',
      },
      SEARCH_BASE,
    );
    return (bundle.entry ?? []).map((entry) => entry.resource as AllergyIntolerance).filter(inForce);
  }
}
