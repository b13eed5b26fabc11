import type { AllergyIntolerance, AllergyIntoleranceReaction, CodeableConcept } from '@medplum/fhirtypes';
import { codeText } from './clinical-display';
import type { AllergyChanges, CodedInput, ReactionInput, ReactionSeverity } from './clinical-lists-api';

/** One reaction as the forms show it: what happened in words, its severity, and what was recorded before. */
export interface ReactionRow {
  text: string;
  severity: ReactionSeverity | null;
  original?: AllergyIntoleranceReaction;
}

export const EMPTY_REACTION: ReactionRow = { text: '', severity: null };

export function reactionText(reaction: AllergyIntoleranceReaction): string {
  return reaction.manifestation.map(codeText).filter(Boolean).join(', ');
}

/** A recorded concept sent back as the API takes it, so its code is kept. */
export function conceptInput(concept: CodeableConcept): CodedInput {
  const coding = concept.coding?.find((found) => found.system && found.code);
  if (!coding) return codeText(concept);
  return {
    system: coding.system!,
    code: coding.code!,
    ...(coding.display ? { display: coding.display } : {}),
    ...(concept.text ? { text: concept.text } : {}),
  };
}

export function reactionRows(allergy: AllergyIntolerance): ReactionRow[] {
  return (allergy.reaction ?? []).map((reaction) => ({
    text: reactionText(reaction),
    severity: reaction.severity ?? null,
    original: reaction,
  }));
}

/** The reactions to send: rows left empty are dropped; a reaction whose words are unchanged keeps its codes. */
export function reactionsInput(rows: readonly ReactionRow[]): ReactionInput[] {
  return rows
    .filter((row) => row.text.trim())
    .map(({ text, severity, original }) => {
      const kept = original && text.trim() === reactionText(original) ? original : undefined;
      return {
        manifestations: kept ? kept.manifestation.map(conceptInput) : [text.trim()],
        ...(severity ? { severity } : {}),
        ...(original?.description ? { description: original.description } : {}),
        ...(original?.onset ? { onset: original.onset } : {}),
        ...(original?.substance ? { substance: conceptInput(original.substance) } : {}),
      };
    });
}

/** A severity with nothing to be the severity of. */
export function reactionsCheck(rows: readonly ReactionRow[]): string | undefined {
  return rows.some((row) => row.severity && !row.text.trim()) ? 'Describe the reaction the severity is of' : undefined;
}

export interface AllergyForm {
  criticality: NonNullable<AllergyChanges['criticality']> | null;
  clinicalStatus: string | null;
  verificationStatus: string | null;
  reactions: ReactionRow[];
  note: string;
}

export function allergyForm(allergy: AllergyIntolerance): AllergyForm {
  return {
    criticality: allergy.criticality ?? null,
    clinicalStatus: allergy.clinicalStatus?.coding?.[0]?.code ?? null,
    verificationStatus: allergy.verificationStatus?.coding?.[0]?.code ?? null,
    reactions: reactionRows(allergy),
    note: '',
  };
}

/** What the edit changes (reactions as a whole list), or nothing when nothing changed. */
export function allergyChanges(before: AllergyForm, after: AllergyForm): AllergyChanges | undefined {
  const changes: AllergyChanges = {};
  if (after.criticality !== before.criticality) changes.criticality = after.criticality;
  if (after.clinicalStatus && after.clinicalStatus !== before.clinicalStatus) {
    changes.clinicalStatus = after.clinicalStatus;
  }
  if (after.verificationStatus && after.verificationStatus !== before.verificationStatus) {
    changes.verificationStatus = after.verificationStatus;
  }
  const reactions = reactionsInput(after.reactions);
  if (JSON.stringify(reactions) !== JSON.stringify(reactionsInput(before.reactions))) changes.reactions = reactions;
  if (after.note.trim()) changes.note = after.note.trim();
  return Object.keys(changes).length ? changes : undefined;
}

/** The reactions in the list's words: "Hives (moderate); Wheezing". */
export function reactionsSummary(allergy: AllergyIntolerance): string {
  return (allergy.reaction ?? [])
    .map((reaction) => {
      const what = reactionText(reaction);
      return reaction.severity ? `${what} (${reaction.severity})` : what;
    })
    .filter(Boolean)
    .join('; ');
}
