import { Button, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import type { AllergyIntolerance } from '@medplum/fhirtypes';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { formatFhirDateTime } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import { AllergyEditor } from './AllergyEditor';
import { type ReactionRow, reactionsCheck, reactionsInput, reactionsSummary } from './allergy-edit';
import { codeText } from './clinical-display';
import type { NewAllergy } from './clinical-lists-api';
import { ChoiceField, ListForm, useFormErrors } from './list-form';
import { ALLERGY_CATEGORY_OPTIONS, CRITICALITY_OPTIONS } from './list-options';
import { AddButton, ListTable, PanelHeader, StatusBadge, useCanChart } from './list-ui';
import { allergySummary, isNoKnownAllergy } from './problem-list';
import { ReactionFields } from './ReactionFields';
import { useClinicalList, useClinicalListsApi, useListChange } from './useClinicalLists';

type Field = 'substance' | 'reactions' | 'category' | 'criticality';
const FIELDS: readonly Field[] = ['substance', 'reactions', 'category', 'criticality'];
type Category = NonNullable<NewAllergy['category']>[number];
type Criticality = NonNullable<NewAllergy['criticality']>;

function AddAllergyForm({
  patientId,
  replaceNoKnown,
  onDone,
}: {
  patientId: string;
  replaceNoKnown: boolean;
  onDone: () => void;
}) {
  const api = useClinicalListsApi();
  const [substance, setSubstance] = useState('');
  const [category, setCategory] = useState<Category | null>('medication');
  const [criticality, setCriticality] = useState<Criticality | null>(null);
  const [reactions, setReactions] = useState<ReactionRow[]>([]);
  const { errors, unplaced, submit } = useFormErrors(FIELDS);
  const add = useListChange('allergies', patientId, (input: NewAllergy) => api.addAllergy(patientId, input));
  const onSubmit = async () => {
    const checks = {
      substance: substance.trim() ? undefined : 'Name the substance',
      reactions: reactionsCheck(reactions),
    };
    const input: NewAllergy = {
      substance: substance.trim(),
      ...(category ? { category: [category] } : {}),
      ...(criticality ? { criticality } : {}),
      reactions: reactionsInput(reactions),
      replaceNoKnownAllergies: replaceNoKnown,
    };
    if (await submit(checks, () => add.mutateAsync(input))) onDone();
  };
  return (
    <ListForm
      title="Record an allergy"
      failed="The allergy was not recorded"
      submitLabel="Record allergy"
      pending={add.isPending}
      unplaced={unplaced}
      onSubmit={onSubmit}
      onCancel={onDone}
    >
      {replaceNoKnown && (
        <Text size="sm" c="dimmed">
          "No known allergies" is on record; recording this allergy retires it.
        </Text>
      )}
      <Group align="flex-start" grow wrap="wrap">
        <TextInput
          label="Substance"
          required
          value={substance}
          onChange={(event) => setSubstance(event.currentTarget.value)}
          error={errors.substance}
          autoComplete="off"
        />
        <ChoiceField
          label="Category"
          options={ALLERGY_CATEGORY_OPTIONS}
          value={category}
          onChange={setCategory}
          error={errors.category}
          clearable
        />
        <ChoiceField
          label="Criticality"
          options={CRITICALITY_OPTIONS}
          value={criticality}
          onChange={setCriticality}
          error={errors.criticality}
          clearable
        />
      </Group>
      <ReactionFields rows={reactions} onChange={setReactions} error={errors.reactions} />
    </ListForm>
  );
}

/** The Allergies tab: allergies and intolerances with reactions, recording and editing one, or "no known allergies". */
export function AllergiesPanel({ patientId }: { patientId: string }) {
  const canEdit = useCanChart();
  const api = useClinicalListsApi();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string>();
  const list = useClinicalList('allergies', patientId);
  const noKnown = useListChange('allergies', patientId, () => api.noKnownAllergies(patientId));
  const summary = list.data ? allergySummary(list.data.items) : undefined;
  const edited = list.data?.items.find((allergy) => allergy.id === editing);

  return (
    <Stack gap="md">
      <PanelHeader
        title="Allergies and intolerances"
        actions={
          canEdit && (
            <>
              {summary && !summary.current.length && !summary.noKnown && (
                <Button
                  size="xs"
                  variant="default"
                  loading={noKnown.isPending}
                  onClick={() => noKnown.mutate(undefined)}
                >
                  No known allergies
                </Button>
              )}
              {!adding && <AddButton onClick={() => setAdding(true)}>Record allergy</AddButton>}
            </>
          )
        }
      />
      {adding && (
        <AddAllergyForm
          patientId={patientId}
          replaceNoKnown={Boolean(summary?.noKnown)}
          onDone={() => setAdding(false)}
        />
      )}
      {edited && (
        <AllergyEditor
          key={edited.id}
          patientId={patientId}
          allergy={edited}
          replaceNoKnown={Boolean(summary?.noKnown)}
          onDone={() => setEditing(undefined)}
        />
      )}
      {noKnown.isError && <ErrorAlert title='"No known allergies" was not recorded' error={noKnown.error} />}
      <ListTable<AllergyIntolerance>
        label="Allergies"
        query={list}
        rows={list.data?.items}
        empty="No allergies recorded"
        emptyHint={canEdit ? 'Record an allergy, or that the patient has no known allergies.' : undefined}
        headers={[
          'Substance',
          'Category',
          'Criticality',
          'Reactions',
          'Status',
          'Verification',
          'Recorded',
          ...(canEdit ? ['Actions'] : []),
        ]}
        row={(allergy) => {
          const name = codeText(allergy.code) || '—';
          return (
            <Table.Tr key={allergy.id}>
              <Table.Td fw={600}>
                {allergy.criticality === 'high' && !isNoKnownAllergy(allergy) ? (
                  <Group gap={4} wrap="nowrap">
                    <IconAlertTriangle size={16} color="var(--mantine-color-red-9)" aria-hidden />
                    {name}
                  </Group>
                ) : (
                  name
                )}
              </Table.Td>
              <Table.Td>{allergy.category?.join(', ') || '—'}</Table.Td>
              <Table.Td>
                <StatusBadge value={allergy.criticality} />
              </Table.Td>
              <Table.Td>{reactionsSummary(allergy) || '—'}</Table.Td>
              <Table.Td>
                <StatusBadge value={allergy.clinicalStatus?.coding?.[0]?.code} />
              </Table.Td>
              <Table.Td>{allergy.verificationStatus?.coding?.[0]?.code ?? '—'}</Table.Td>
              <Table.Td>{formatFhirDateTime(allergy.recordedDate) || '—'}</Table.Td>
              {canEdit && (
                <Table.Td>
                  <Button
                    size="compact-xs"
                    variant="default"
                    onClick={() => setEditing(allergy.id)}
                    aria-label={`Edit ${name}`}
                  >
                    Edit
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          );
        }}
      />
    </Stack>
  );
}
