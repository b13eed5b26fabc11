import { Badge, Button, Card, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { SCREEN_ROLES } from '../app/navigation';
import { RequireRole } from '../auth/RequireRole';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { TableSkeleton } from '../shared/TableSkeleton';
import { formatBytes, formatDuration, formatPercent } from './health-summary';
import { QueuesPanel } from './QueuesPanel';
import { HEALTH_REFRESH_MS, useMetrics, useReadiness } from './useSystemHealth';

function Stat({ label, value, detail, tone }: { label: string; value: ReactNode; detail?: ReactNode; tone?: string }) {
  return (
    <Card withBorder padding="md" radius="md" role="group" aria-label={label}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fz={26} fw={700} c={tone} lh={1.3} mt={4}>
        {value}
      </Text>
      {detail && (
        <Text size="sm" c="dimmed">
          {detail}
        </Text>
      )}
    </Card>
  );
}

function ms(value: number | undefined): string {
  if (value === undefined) return '—';
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

export function SystemHealthPage() {
  return (
    <RequireRole roles={SCREEN_ROLES.systemHealth} what="System health">
      <SystemHealth />
    </RequireRole>
  );
}

function SystemHealth() {
  const readiness = useReadiness();
  const metrics = useMetrics();
  const summary = metrics.data?.summary;
  const refresh = () => {
    void readiness.refetch();
    void metrics.refetch();
  };

  return (
    <>
      <PageHeader
        title="System health"
        description={`This server's own readings, refreshed every ${HEALTH_REFRESH_MS / 1000} seconds.`}
        actions={
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} aria-hidden />}
            onClick={refresh}
            loading={metrics.isFetching && !metrics.isPending}
          >
            Refresh
          </Button>
        }
      />
      <Stack gap="lg">
        {readiness.isError && (
          <ErrorAlert title="Readiness could not be read" error={readiness.error} onRetry={refresh} />
        )}
        {metrics.isError && <ErrorAlert title="Metrics could not be read" error={metrics.error} onRetry={refresh} />}
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="md">
          <Stat
            label="Status"
            value={
              readiness.data ? (
                <Badge size="lg" color={readiness.data.ready ? 'teal.9' : 'red.9'} variant="filled">
                  {readiness.data.ready ? 'Ready' : 'Unavailable'}
                </Badge>
              ) : (
                '…'
              )
            }
            detail={
              readiness.data?.database
                ? `Database: ${readiness.data.database === 'pglite' ? 'embedded PostgreSQL (PGlite)' : readiness.data.database}`
                : readiness.data && !readiness.data.ready
                  ? 'The database does not answer'
                  : undefined
            }
          />
          <Stat
            label="Uptime"
            value={summary?.uptimeSeconds !== undefined ? formatDuration(summary.uptimeSeconds) : '—'}
            detail="Since the server process started"
          />
          <Stat
            label="Requests"
            value={summary ? summary.totalRequests.toLocaleString('en') : '—'}
            detail={
              metrics.data?.rate !== undefined
                ? `${metrics.data.rate.toFixed(1)} per second now`
                : 'Rate shown after the next reading'
            }
          />
          <Stat
            label="Server errors (5xx)"
            value={summary ? formatPercent(summary.serverErrorRate) : '—'}
            tone={summary && summary.serverErrors > 0 ? 'red.9' : undefined}
            detail={summary ? `${summary.serverErrors.toLocaleString('en')} requests` : undefined}
          />
          <Stat
            label="Refused (4xx)"
            value={summary ? formatPercent(summary.clientErrorRate) : '—'}
            detail={summary ? `${summary.clientErrors.toLocaleString('en')} requests` : undefined}
          />
          <Stat label="Response time" value={ms(summary?.meanMs)} detail={`mean · p95 ≤ ${ms(summary?.p95Ms)}`} />
          <Stat
            label="Memory"
            value={summary?.residentMemoryBytes !== undefined ? formatBytes(summary.residentMemoryBytes) : '—'}
            detail={
              summary?.heapUsedBytes !== undefined ? `JavaScript heap ${formatBytes(summary.heapUsedBytes)}` : undefined
            }
          />
          <Stat
            label="Event loop delay"
            value={ms(summary?.eventLoopLagP99Ms)}
            detail="p99; high values mean a busy server"
          />
        </SimpleGrid>

        <QueuesPanel queues={metrics.data?.queues} />

        <Paper withBorder radius="md" p="md">
          <Title order={2} size="h4" mb="sm">
            Busiest routes
          </Title>
          {metrics.isPending ? (
            <TableSkeleton label="Loading metrics" />
          ) : summary?.routes.length ? (
            <Table.ScrollContainer minWidth={640}>
              <Table striped aria-label="Busiest routes">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Route</Table.Th>
                    <Table.Th ta="right">Requests</Table.Th>
                    <Table.Th ta="right">4xx</Table.Th>
                    <Table.Th ta="right">5xx</Table.Th>
                    <Table.Th ta="right">Mean time</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {summary.routes.slice(0, 12).map((route) => (
                    <Table.Tr key={`${route.method} ${route.route}`}>
                      <Table.Td>
                        <Text span ff="monospace" size="sm">
                          {route.method} {route.route === '/*' ? '/* (web app pages and files)' : route.route}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right">{route.requests.toLocaleString('en')}</Table.Td>
                      <Table.Td ta="right">{route.clientErrors.toLocaleString('en')}</Table.Td>
                      <Table.Td ta="right" c={route.serverErrors ? 'red.9' : undefined}>
                        {route.serverErrors.toLocaleString('en')}
                      </Table.Td>
                      <Table.Td ta="right">{ms(route.meanMs)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          ) : (
            <Text size="sm" c="dimmed">
              No requests counted yet.
            </Text>
          )}
        </Paper>
        {metrics.dataUpdatedAt > 0 && (
          <Group justify="flex-end">
            <Text size="xs" c="dimmed" aria-live="polite">
              Last read at {new Date(metrics.dataUpdatedAt).toLocaleTimeString('en-GB')}
            </Text>
          </Group>
        )}
      </Stack>
    </>
  );
}
