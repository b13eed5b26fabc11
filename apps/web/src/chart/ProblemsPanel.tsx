import { Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import type { Condition } from '@medplum/fhirtypes';
import { useState } from 'react';
import { formatFhirDateTime } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import { CodeTypeahead } from './CodeTypeahead';
import { codeText } from './clinical-display';
import { DateField, ListForm, useCodeChoice, useFormErrors } from './list-form';
import { AddButton, ListTable, PanelHeader, StatusBadge, useCanChart } from './list-ui';
import { ProblemEditor } from './ProblemEditor';
import { type ProblemFilter, problemCode, problemStatus, problemsShown } from './problem-list';
import { useClinicalList, useClinicalListsApi, useListChange } from './useClinicalLists';

function AddProblemForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const api = useClinicalListsApi();
  const { text, chosen: concept, field: problemField } = useCodeChoice();
  const [onset, setOnset] = useState('');
  // A refusal of the code or the text is shown on the one field that takes both.
  const { errors, unplaced, submit } = useFormErrors((path) =>
    path.startsWith('onset') ? 'onset' : path.startsWith('code') || path.startsWith('text') ? 'code' : undefined,
  );
  const add = useListChange('problems', patientId, () =>
    api.addProblem(patientId, {
      ...(concept ? { code: { code: concept.code, display: concept.display } } : { text: text.trim() }),
      ...(onset ? { onset } : {}),
    }),
  );
  const onSubmit = async () => {
    const checks = { code: text.trim() ? undefined : 'Type a diagnosis, or choose an ICD-10-CM code' };
    if (await submit(checks, () => add.mutateAsync(undefined))) onDone();
  };
  return (
    <ListForm
      title="Add a problem"
      failed="The problem was not added"
      submitLabel="Add problem"
      pending={add.isPending}
      unplaced={unplaced}
      onSubmit={onSubmit}
      onCancel={onDone}
    >
      <Group align="flex-start" grow wrap="wrap">
        <CodeTypeahead
          label="Problem"
          system="icd-10-cm"
          description="Search ICD-10-CM by code or words, or type free text"
          {...problemField}
          error={errors.code}
          required
        />
        <DateField label="Onset" description="Optional" value={onset} onChange={setOnset} error={errors.onset} />
      </Group>
      <Text size="xs" c="dimmed" aria-live="polite">
        {concept ? `Coded as ICD-10-CM ${concept.code}` : text.trim() ? 'Recorded as free text' : ''}
      </Text>
    </ListForm>
  );
}

const EMPTY: Record<ProblemFilter, string> = {
  active: 'No active problems',
  resolved: 'No resolved problems',
  all: 'No problems recorded',
};

/** The Problems tab: the problem list (active or resolved), adding with ICD-10-CM, resolving, editing. */
export function ProblemsPanel({ patientId }: { patientId: string }) {
  const canEdit = useCanChart();
  const api = useClinicalListsApi();
  const [filter, setFilter] = useState<ProblemFilter>('active');
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string>();
  const list = useClinicalList('problems', patientId);
  const change = useListChange('problems', patientId, ({ id, to }: { id: string; to: 'resolved' | 'recurrence' }) =>
    to === 'resolved' ? api.resolveProblem(patientId, id) : api.problemRecurred(patientId, id),
  );
  const rows = list.data ? problemsShown(list.data.items, filter) : undefined;
  const edited = list.data?.items.find((problem) => problem.id === editing);

  return (
    <Stack gap="md">
      <PanelHeader
        title="Problem list"
        actions={
          <>
            <SegmentedControl
              aria-label="Show problems"
              size="xs"
              value={filter}
              onChange={(value) => setFilter(value as ProblemFilter)}
              data={[
                { value: 'active', label: 'Active' },
                { value: 'resolved', label: 'Resolved' },
                { value: 'all', label: 'All' },
              ]}
            />
            {canEdit && !adding && <AddButton onClick={() => setAdding(true)}>Add problem</AddButton>}
          </>
        }
      />
      {adding && <AddProblemForm patientId={patientId} onDone={() => setAdding(false)} />}
      {edited && (
        <ProblemEditor key={edited.id} patientId={patientId} problem={edited} onDone={() => setEditing(undefined)} />
      )}
      {change.isError && <ErrorAlert title="The problem was not changed" error={change.error} />}
      <ListTable<Condition>
        label="Problems"
        query={list}
        rows={rows}
        empty={EMPTY[filter]}
        headers={['Problem', 'Code', 'Status', 'Onset', 'Resolved', 'Recorded', ...(canEdit ? ['Actions'] : [])]}
        row={(problem) => {
          const status = problemStatus(problem);
          const name = codeText(problem.code) || 'Unnamed problem';
          const busy = change.isPending && change.variables?.id === problem.id;
          const gone = status === 'resolved' || status === 'inactive';
          return (
            <Table.Tr key={problem.id}>
              <Table.Td fw={600}>{name}</Table.Td>
              <Table.Td>
                {problemCode(problem) ?? (
                  <Text span c="dimmed" size="sm">
                    free text
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <StatusBadge value={status} />
              </Table.Td>
              <Table.Td>{formatFhirDateTime(problem.onsetDateTime) || '—'}</Table.Td>
              <Table.Td>{formatFhirDateTime(problem.abatementDateTime) || '—'}</Table.Td>
              <Table.Td>{formatFhirDateTime(problem.recordedDate) || '—'}</Table.Td>
              {canEdit && (
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    {status !== 'remission' && (
                      <Button
                        size="compact-xs"
                        variant="default"
                        loading={busy}
                        onClick={() => change.mutate({ id: problem.id!, to: gone ? 'recurrence' : 'resolved' })}
                        aria-label={gone ? `Mark ${name} as recurred` : `Resolve ${name} today`}
                      >
                        {gone ? 'Recurrence' : 'Resolve'}
                      </Button>
                    )}
                    <Button
                      size="compact-xs"
                      variant="default"
                      onClick={() => setEditing(problem.id)}
                      aria-label={`Edit ${name}`}
                    >
                      Edit
                    </Button>
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          );
        }}
      />
    </Stack>
  );
}
