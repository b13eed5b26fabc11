import { Group, Text } from '@mantine/core';
import type { AllergyIntolerance } from '@medplum/fhirtypes';
import { useMemo, useState } from 'react';
import { type AllergyForm, allergyChanges, allergyForm, reactionsCheck } from './allergy-edit';
import { codeText } from './clinical-display';
import type { AllergyChanges } from './clinical-lists-api';
import { ChoiceField, EditListForm, NOTHING_CHANGED, NoteField, useFormErrors } from './list-form';
import { ALLERGY_CLINICAL_OPTIONS, ALLERGY_VERIFICATION_OPTIONS, CRITICALITY_OPTIONS } from './list-options';
import { isNoKnownAllergy } from './problem-list';
import { ReactionFields } from './ReactionFields';
import { useClinicalListsApi, useListChange } from './useClinicalLists';

type Field = 'criticality' | 'reactions' | 'clinicalStatus' | 'verificationStatus' | 'note';
const FIELDS: readonly Field[] = ['criticality', 'reactions', 'clinicalStatus', 'verificationStatus', 'note'];

/**
 * An allergy's criticality, reactions and statuses in one form, a note with them; marking it entered in
 * error beside. A "no known allergy" record has only its statuses to change.
 */
export function AllergyEditor({
  patientId,
  allergy,
  replaceNoKnown,
  onDone,
}: {
  patientId: string;
  allergy: AllergyIntolerance;
  /** "No known allergies" is on record: putting this allergy back in force retires it. */
  replaceNoKnown: boolean;
  onDone: () => void;
}) {
  const api = useClinicalListsApi();
  const initial = useMemo(() => allergyForm(allergy), [allergy]);
  const [form, setForm] = useState<AllergyForm>(initial);
  const { errors, unplaced, submit } = useFormErrors(FIELDS);
  const save = useListChange('allergies', patientId, (changes: AllergyChanges) =>
    api.editAllergy(patientId, allergy.id!, changes),
  );
  const noKnown = isNoKnownAllergy(allergy);
  const name = codeText(allergy.code) || 'Unnamed allergy';
  const set = (change: Partial<AllergyForm>) => setForm((current) => ({ ...current, ...change }));
  const onSubmit = async () => {
    const changes = allergyChanges(initial, form);
    const checks = {
      reactions: reactionsCheck(form.reactions),
      note: changes ? undefined : NOTHING_CHANGED,
    };
    const send = { ...changes, ...(replaceNoKnown && !noKnown ? { replaceNoKnownAllergies: true } : {}) };
    if (await submit(checks, () => save.mutateAsync(send))) onDone();
  };

  return (
    <EditListForm
      list="allergies"
      patientId={patientId}
      id={allergy.id!}
      name={name}
      failed="The allergy was not changed"
      pending={save.isPending}
      unplaced={unplaced}
      onSubmit={onSubmit}
      onDone={onDone}
    >
      {replaceNoKnown && !noKnown && (
        <Text size="sm" c="dimmed">
          "No known allergies" is on record; putting this allergy back in force retires it.
        </Text>
      )}
      <Group align="flex-start" grow wrap="wrap">
        {!noKnown && (
          <ChoiceField
            label="Criticality"
            options={CRITICALITY_OPTIONS}
            value={form.criticality}
            onChange={(criticality) => set({ criticality })}
            error={errors.criticality}
            clearable
          />
        )}
        <ChoiceField
          label="Clinical status"
          options={ALLERGY_CLINICAL_OPTIONS}
          value={form.clinicalStatus}
          onChange={(clinicalStatus) => set({ clinicalStatus })}
          error={errors.clinicalStatus}
        />
        <ChoiceField
          label="Verification"
          options={ALLERGY_VERIFICATION_OPTIONS}
          value={form.verificationStatus}
          onChange={(verificationStatus) => set({ verificationStatus })}
          error={errors.verificationStatus}
        />
      </Group>
      {!noKnown && (
        <ReactionFields rows={form.reactions} onChange={(reactions) => set({ reactions })} error={errors.reactions} />
      )}
      <NoteField about="allergy" value={form.note} onChange={(note) => set({ note })} error={errors.note} />
    </EditListForm>
  );
}
