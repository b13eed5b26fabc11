import { Badge, Card, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { formatFhirDate } from '../format/dates';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { reportDate } from './portal-api';
import { explainFlag, observationName, observationValue, usualRange } from './portal-format';
import { usePortalPatient } from './portal-patient';
import { useResults } from './usePortal';

const TONE_COLOR = { normal: 'teal.9', attention: '#a63c06', urgent: 'red.9' } as const;

/** Final reports the clinic has released, each observation with its usual range and its flag in words. */
export function ResultsPage() {
  const results = useResults(usePortalPatient());
  return (
    <Stack gap="lg">
      <PageHeader
        title="Your results"
        description="Results appear here once your clinician has released them. Ask the clinic if anything is unclear."
      />
      {results.isPending && <Skeleton h={160} radius="md" aria-label="Loading results" />}
      {results.isError && (
        <ErrorAlert title="Your results could not be loaded" error={results.error} onRetry={() => results.refetch()} />
      )}
      {results.isSuccess && results.data.length === 0 && (
        <EmptyState title="No results yet">When a test you had is reported and released, it shows here.</EmptyState>
      )}
      {results.data?.map(({ report, observations }) => {
        const name = report.code?.text ?? report.code?.coding?.[0]?.display ?? 'Test result';
        return (
          <Card key={report.id} withBorder radius="md" component="section" aria-label={name}>
            <Stack gap="sm">
              <Group justify="space-between">
                <Text fw={700} size="lg">
                  {name}
                </Text>
                <Text size="sm" c="dimmed">
                  {formatFhirDate(reportDate(report))}
                </Text>
              </Group>
              {report.conclusion && <Text size="sm">{report.conclusion}</Text>}
              {observations.length > 0 ? (
                <Table.ScrollContainer minWidth={520}>
                  <Table verticalSpacing="sm">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Test</Table.Th>
                        <Table.Th>Your value</Table.Th>
                        <Table.Th>Usual range</Table.Th>
                        <Table.Th>What it means</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {observations.map((observation) => {
                        const flag = explainFlag(observation);
                        return (
                          <Table.Tr key={observation.id}>
                            <Table.Td>{observationName(observation)}</Table.Td>
                            <Table.Td fw={600}>{observationValue(observation)}</Table.Td>
                            <Table.Td>{usualRange(observation) ?? '—'}</Table.Td>
                            <Table.Td>
                              {flag ? (
                                <Stack gap={2}>
                                  <Badge color={TONE_COLOR[flag.tone]} variant="filled">
                                    {flag.label}
                                  </Badge>
                                  <Text size="sm">{flag.explanation}</Text>
                                </Stack>
                              ) : (
                                <Text size="sm" c="dimmed">
                                  No flag
                                </Text>
                              )}
                            </Table.Td>
                          </Table.Tr>
                        );
                      })}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              ) : (
                <Text size="sm" c="dimmed">
                  The details of this report are not available online.
                </Text>
              )}
            </Stack>
          </Card>
        );
      })}
    </Stack>
  );
}
