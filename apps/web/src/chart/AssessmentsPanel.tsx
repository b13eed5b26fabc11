import { Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useAuth } from '../auth/useAuth';
import { formatFhirDateTime } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import { AssessmentForm } from './AssessmentForm';
import { type Assessment, assessmentLines, KIND_LABELS, type SystemLine } from './assessments';
import { EnteredInErrorButton } from './EnteredInErrorButton';
import { ListTable, PanelHeader, useCanChart } from './list-ui';
import { actorName } from './notes-api';
import { useClinicalList, useClinicalListsApi } from './useClinicalLists';

const lineText = ({ label, finding }: SystemLine) => (finding ? `${label}: ${finding}` : label);

/** What an assessment found: abnormal systems first, each in words and bold; then the normal ones. */
function Findings({ assessment, names }: { assessment: Assessment; names: ReadonlyMap<string, string> }) {
  const { abnormal, normal, unstated } = assessmentLines(assessment, names);
  return (
    <Stack gap={4}>
      {abnormal.map((line) => (
        <Group key={lineText(line)} gap={6} wrap="nowrap" align="flex-start">
          <IconAlertTriangle size={16} color="var(--mantine-color-red-9)" aria-hidden style={{ flexShrink: 0 }} />
          <Text size="sm" fw={700} c="red.9">
            Abnormal — {lineText(line)}
          </Text>
        </Group>
      ))}
      {normal.length > 0 && <Text size="sm">Normal — {normal.map(lineText).join('; ')}</Text>}
      {unstated.length > 0 && <Text size="sm">Not stated — {unstated.map(lineText).join('; ')}</Text>}
    </Stack>
  );
}

/** The Assessments tab: examinations and reviews of systems by body system, recording one. */
export function AssessmentsPanel({ patientId }: { patientId: string }) {
  const canEdit = useCanChart();
  const api = useClinicalListsApi();
  const { user } = useAuth();
  const you = user ? `${user.displayName} (you)` : 'you';
  const [adding, setAdding] = useState(false);
  const list = useClinicalList('assessments', patientId);
  const catalog = useQuery({
    queryKey: ['clinical-lists', 'assessment-catalog'],
    queryFn: ({ signal }) => api.assessmentCatalog(signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const names = useMemo(
    () => new Map((catalog.data?.systems ?? []).map((entry) => [entry.system, entry.display])),
    [catalog.data],
  );
  const rows = useMemo(
    () => [...(list.data?.items ?? [])].sort((a, b) => (b.effective ?? '').localeCompare(a.effective ?? '')),
    [list.data],
  );

  return (
    <Stack gap="md">
      <PanelHeader
        title="Assessments"
        actions={
          canEdit &&
          !adding && (
            <Button
              size="xs"
              leftSection={<IconPlus size={16} aria-hidden />}
              onClick={() => setAdding(true)}
              disabled={!catalog.data}
            >
              Record assessment
            </Button>
          )
        }
      />
      {catalog.isError && (
        <ErrorAlert
          title="The body systems could not be loaded"
          error={catalog.error}
          onRetry={() => catalog.refetch()}
        />
      )}
      {adding && catalog.data && (
        <AssessmentForm patientId={patientId} catalog={catalog.data} onDone={() => setAdding(false)} />
      )}
      <ListTable<Assessment>
        label="Assessments"
        query={list}
        rows={list.data ? rows : undefined}
        empty="No assessments recorded"
        emptyHint={canEdit ? 'Record a physical examination or a review of systems.' : undefined}
        headers={['Date', 'Type', 'By', 'Findings', ...(canEdit ? ['Actions'] : [])]}
        row={(assessment) => {
          const kind = assessment.kind ? KIND_LABELS[assessment.kind] : 'Assessment';
          const when = formatFhirDateTime(assessment.effective) || '—';
          return (
            <Table.Tr key={assessment.id}>
              <Table.Td>{when}</Table.Td>
              <Table.Td fw={600}>
                {kind}
                {assessment.status === 'preliminary' ? ' (preliminary)' : ''}
              </Table.Td>
              <Table.Td>{actorName(assessment.observation.performer?.[0], user?.id, you)}</Table.Td>
              <Table.Td>
                <Findings assessment={assessment} names={names} />
              </Table.Td>
              {canEdit && (
                <Table.Td>
                  <EnteredInErrorButton
                    list="assessments"
                    patientId={patientId}
                    id={assessment.id}
                    name={`the ${kind.toLowerCase()} of ${when}`}
                  />
                </Table.Td>
              )}
            </Table.Tr>
          );
        }}
      />
    </Stack>
  );
}
