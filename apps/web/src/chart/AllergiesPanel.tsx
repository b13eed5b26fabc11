import { Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import type { AllergyIntolerance } from '@medplum/fhirtypes';
import { IconAlertTriangle, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { formatFhirDateTime } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import { codeText } from './clinical-display';
import type { NewAllergy } from './clinical-lists-api';
import { errorField, FORM_STYLE, FormBox, ListTable, PanelHeader, StatusBadge, useCanChart } from './list-ui';
import { allergySummary, isNoKnownAllergy } from './problem-list';
import { useClinicalList, useClinicalListsApi, useListChange } from './useClinicalLists';

type Field = 'substance' | 'reactions' | 'category' | 'criticality';
const FIELDS: readonly Field[] = ['substance', 'reactions', 'category', 'criticality'];

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
  const [category, setCategory] = useState<string | null>('medication');
  const [criticality, setCriticality] = useState<string | null>(null);
  const [reaction, setReaction] = useState('');
  const [severity, setSeverity] = useState<string | null>(null);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const add = useListChange('allergies', patientId, (input: NewAllergy) => api.addAllergy(patientId, input));
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!substance.trim()) {
      setErrors({ substance: 'Name the substance' });
      return;
    }
    if (severity && !reaction.trim()) {
      setErrors({ reactions: 'Describe the reaction the severity is of' });
      return;
    }
    setErrors({});
    try {
      await add.mutateAsync({
        substance: substance.trim(),
        ...(category ? { category: [category as 'medication'] } : {}),
        ...(criticality ? { criticality: criticality as 'high' } : {}),
        reactions: reaction.trim()
          ? [{ manifestations: [reaction.trim()], ...(severity ? { severity: severity as 'mild' } : {}) }]
          : [],
        replaceNoKnownAllergies: replaceNoKnown,
      });
      onDone();
    } catch (error) {
      const field = errorField(error, FIELDS);
      if (field) setErrors({ [field]: (error as Error).message });
    }
  };
  return (
    <FormBox title="Record an allergy">
      <form onSubmit={submit} aria-label="Record an allergy" noValidate style={FORM_STYLE}>
        <Stack gap="sm">
          {add.isError && !errorField(add.error, FIELDS) && (
            <ErrorAlert title="The allergy was not recorded" error={add.error} />
          )}
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
            <Select
              label="Category"
              data={[
                { value: 'medication', label: 'Medication' },
                { value: 'food', label: 'Food' },
                { value: 'environment', label: 'Environment' },
                { value: 'biologic', label: 'Biologic' },
              ]}
              value={category}
              onChange={setCategory}
              clearable
              error={errors.category}
            />
            <Select
              label="Criticality"
              data={[
                { value: 'low', label: 'Low' },
                { value: 'high', label: 'High' },
                { value: 'unable-to-assess', label: 'Unable to assess' },
              ]}
              value={criticality}
              onChange={setCriticality}
              clearable
              error={errors.criticality}
            />
          </Group>
          <Group align="flex-start" grow wrap="wrap">
            <TextInput
              label="Reaction"
              description="What happened, e.g. hives, anaphylaxis"
              value={reaction}
              onChange={(event) => setReaction(event.currentTarget.value)}
              error={errors.reactions}
              autoComplete="off"
            />
            <Select
              label="Reaction severity"
              data={[
                { value: 'mild', label: 'Mild' },
                { value: 'moderate', label: 'Moderate' },
                { value: 'severe', label: 'Severe' },
              ]}
              value={severity}
              onChange={setSeverity}
              clearable
            />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
            <Button type="submit" loading={add.isPending}>
              Record allergy
            </Button>
          </Group>
        </Stack>
      </form>
    </FormBox>
  );
}

function reactionsText(allergy: AllergyIntolerance): string {
  return (
    (allergy.reaction ?? [])
      .map((reaction) => {
        const what = reaction.manifestation.map(codeText).filter(Boolean).join(', ');
        return reaction.severity ? `${what} (${reaction.severity})` : what;
      })
      .filter(Boolean)
      .join('; ') || '—'
  );
}

/** The Allergies tab: allergies and intolerances with reactions, recording one, or "no known allergies". */
export function AllergiesPanel({ patientId }: { patientId: string }) {
  const canEdit = useCanChart();
  const api = useClinicalListsApi();
  const [adding, setAdding] = useState(false);
  const list = useClinicalList('allergies', patientId);
  const noKnown = useListChange('allergies', patientId, () => api.noKnownAllergies(patientId));
  const summary = list.data ? allergySummary(list.data.items) : undefined;

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
              {!adding && (
                <Button size="xs" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setAdding(true)}>
                  Record allergy
                </Button>
              )}
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
      {noKnown.isError && <ErrorAlert title='"No known allergies" was not recorded' error={noKnown.error} />}
      <ListTable<AllergyIntolerance>
        label="Allergies"
        query={list}
        rows={list.data?.items}
        empty="No allergies recorded"
        emptyHint={canEdit ? 'Record an allergy, or that the patient has no known allergies.' : undefined}
        headers={['Substance', 'Category', 'Criticality', 'Reactions', 'Status', 'Recorded']}
        row={(allergy) => (
          <Table.Tr key={allergy.id}>
            <Table.Td fw={600}>
              {allergy.criticality === 'high' && !isNoKnownAllergy(allergy) ? (
                <Group gap={4} wrap="nowrap">
                  <IconAlertTriangle size={16} color="var(--mantine-color-red-9)" aria-hidden />
                  {codeText(allergy.code) || '—'}
                </Group>
              ) : (
                codeText(allergy.code) || '—'
              )}
            </Table.Td>
            <Table.Td>{allergy.category?.join(', ') || '—'}</Table.Td>
            <Table.Td>
              <StatusBadge value={allergy.criticality} />
            </Table.Td>
            <Table.Td>{reactionsText(allergy)}</Table.Td>
            <Table.Td>
              <StatusBadge value={allergy.clinicalStatus?.coding?.[0]?.code} />
            </Table.Td>
            <Table.Td>{formatFhirDateTime(allergy.recordedDate) || '—'}</Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
