import { Button, Group, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import type { Condition } from '@medplum/fhirtypes';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { formatFhirDateTime } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import { CodeTypeahead } from './CodeTypeahead';
import { codeText } from './clinical-display';
import type { Concept } from './clinical-lists-api';
import { errorField, FORM_STYLE, FormBox, ListTable, PanelHeader, StatusBadge, useCanChart } from './list-ui';
import { type ProblemFilter, problemCode, problemStatus, problemsShown } from './problem-list';
import { useClinicalList, useClinicalListsApi, useListChange } from './useClinicalLists';

function AddProblemForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const api = useClinicalListsApi();
  const [text, setText] = useState('');
  const [concept, setConcept] = useState<Concept>();
  const [onset, setOnset] = useState('');
  const [errors, setErrors] = useState<{ code?: string; onset?: string }>({});
  const add = useListChange('problems', patientId, () =>
    api.addProblem(patientId, {
      ...(concept ? { code: { code: concept.code, display: concept.display } } : { text: text.trim() }),
      ...(onset ? { onset } : {}),
    }),
  );
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!text.trim()) {
      setErrors({ code: 'Type a diagnosis, or choose an ICD-10-CM code' });
      return;
    }
    setErrors({});
    try {
      await add.mutateAsync(undefined);
      onDone();
    } catch (error) {
      const field = errorField(error, ['code', 'text', 'onset'] as const);
      if (field === 'onset') setErrors({ onset: (error as Error).message });
      else if (field) setErrors({ code: (error as Error).message });
    }
  };
  const unplaced = add.isError && !errorField(add.error, ['code', 'text', 'onset'] as const);
  return (
    <FormBox title="Add a problem">
      <form onSubmit={submit} aria-label="Add a problem" noValidate style={FORM_STYLE}>
        <Stack gap="sm">
          {unplaced && <ErrorAlert title="The problem was not added" error={add.error} />}
          <Group align="flex-start" grow wrap="wrap">
            <CodeTypeahead
              label="Problem"
              system="icd-10-cm"
              description="Search ICD-10-CM by code or words, or type free text"
              value={text}
              onChange={(next, chosen) => {
                setText(next);
                setConcept(chosen);
              }}
              error={errors.code}
              required
            />
            <TextInput
              label="Onset"
              type="date"
              description="Optional"
              value={onset}
              onChange={(event) => setOnset(event.currentTarget.value)}
              error={errors.onset}
              maw={220}
            />
          </Group>
          <Text size="xs" c="dimmed" aria-live="polite">
            {concept ? `Coded as ICD-10-CM ${concept.code}` : text.trim() ? 'Recorded as free text' : ''}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
            <Button type="submit" loading={add.isPending}>
              Add problem
            </Button>
          </Group>
        </Stack>
      </form>
    </FormBox>
  );
}

/** The Problems tab: the problem list (active or resolved), adding with ICD-10-CM, resolving, recurrences. */
export function ProblemsPanel({ patientId }: { patientId: string }) {
  const canEdit = useCanChart();
  const api = useClinicalListsApi();
  const [filter, setFilter] = useState<ProblemFilter>('active');
  const [adding, setAdding] = useState(false);
  const list = useClinicalList('problems', patientId);
  const change = useListChange('problems', patientId, ({ id, to }: { id: string; to: 'resolved' | 'recurrence' }) =>
    to === 'resolved' ? api.resolveProblem(patientId, id) : api.problemRecurred(patientId, id),
  );
  const rows = list.data ? problemsShown(list.data.items, filter) : undefined;

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
            {canEdit && !adding && (
              <Button size="xs" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setAdding(true)}>
                Add problem
              </Button>
            )}
          </>
        }
      />
      {adding && <AddProblemForm patientId={patientId} onDone={() => setAdding(false)} />}
      {change.isError && <ErrorAlert title="The problem was not changed" error={change.error} />}
      <ListTable<Condition>
        label="Problems"
        query={list}
        rows={rows}
        empty={
          filter === 'resolved'
            ? 'No resolved problems'
            : filter === 'active'
              ? 'No active problems'
              : 'No problems recorded'
        }
        headers={['Problem', 'Code', 'Status', 'Onset', 'Resolved', 'Recorded', ...(canEdit ? ['Actions'] : [])]}
        row={(problem) => {
          const status = problemStatus(problem);
          const name = codeText(problem.code) || 'Unnamed problem';
          const busy = change.isPending && change.variables?.id === problem.id;
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
                  {status === 'resolved' || status === 'inactive' || status === 'remission' ? (
                    <Button
                      size="compact-xs"
                      variant="default"
                      loading={busy}
                      onClick={() => change.mutate({ id: problem.id!, to: 'recurrence' })}
                      aria-label={`Mark ${name} as recurred`}
                    >
                      Recurrence
                    </Button>
                  ) : (
                    <Button
                      size="compact-xs"
                      variant="default"
                      loading={busy}
                      onClick={() => change.mutate({ id: problem.id!, to: 'resolved' })}
                      aria-label={`Resolve ${name}`}
                    >
                      Resolve
                    </Button>
                  )}
                </Table.Td>
              )}
            </Table.Tr>
          );
        }}
      />
    </Stack>
  );
}
