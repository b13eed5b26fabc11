import { Anchor, Badge, Button, Group, Loader, Paper, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconChevronLeft, IconChevronRight, IconDownload, IconShieldCheck, IconShieldX } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { SCREEN_ROLES } from '../app/navigation';
import { auditTrailRoute } from '../app/routes';
import { RequireRole } from '../auth/RequireRole';
import { formatFhirDateTime } from '../format/dates';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { TableSkeleton } from '../shared/TableSkeleton';
import { AuditFilters } from './AuditFilters';
import { type AuditFilter, type AuditRow, actionLabel } from './audit-events';
import { notifyDone } from './notify';
import { AUDIT_PAGE_SIZE, useAuditEvents, useChainStatus, useCsvExport, useUserDirectory } from './useAuditTrail';
import { roleLabel, type TenantUser } from './users-api';

export function AuditTrailPage() {
  return (
    <RequireRole roles={SCREEN_ROLES.auditTrail} what="Audit trail">
      <AuditTrail />
    </RequireRole>
  );
}

const OUTCOME_COLORS: Record<AuditRow['outcome'], string> = { success: 'teal.9', denied: 'red.9', failure: 'grape.9' };
const OUTCOME_LABELS: Record<AuditRow['outcome'], string> = {
  success: 'Success',
  denied: 'Denied',
  failure: 'Failure',
};

function ChainStatusBadge() {
  const chain = useChainStatus();
  if (chain.isPending) {
    return (
      <Group gap={6} role="status" aria-label="Audit chain: checking">
        <Loader size="xs" aria-hidden />
        <Text size="sm">Checking the audit chain…</Text>
      </Group>
    );
  }
  if (chain.isError) {
    return (
      <Badge color="gray.7" variant="outline" role="status" aria-label="Audit chain: could not be checked" size="lg">
        Chain not checked
      </Badge>
    );
  }
  const { status, records, problem, checkedAt } = chain.data;
  const verified = status === 'verified';
  const label = verified
    ? `${records.toLocaleString('en')} records recomputed and intact, checked ${formatFhirDateTime(checkedAt)}`
    : `The chain breaks at record ${problem?.seq ?? '?'}: ${problem?.message ?? 'records were changed or removed'}`;
  return (
    <Tooltip label={label} multiline w={320}>
      <Badge
        size="lg"
        variant="filled"
        color={verified ? 'teal.9' : 'red.9'}
        leftSection={verified ? <IconShieldCheck size={14} aria-hidden /> : <IconShieldX size={14} aria-hidden />}
        role="status"
        aria-label={`Audit chain: ${verified ? 'verified' : 'broken'}. ${label}`}
        tabIndex={0}
        tt="none"
      >
        {verified ? 'Chain verified' : `Chain broken at #${problem?.seq ?? '?'}`}
      </Badge>
    </Tooltip>
  );
}

function Who({ row, users }: { row: AuditRow; users: Map<string, TenantUser> }) {
  const user = row.userId ? users.get(row.userId) : undefined;
  const name = user?.name ?? row.userId ?? (row.clientId ? `Client ${row.clientId}` : 'Anonymous');
  return (
    <>
      <Text size="sm" fw={500}>
        {name}
      </Text>
      {row.roles.length > 0 && (
        <Text size="xs" c="dimmed">
          {row.roles.map(roleLabel).join(', ')}
        </Text>
      )}
    </>
  );
}

function AuditTrail() {
  const filter = auditTrailRoute.useSearch();
  const navigate = useNavigate();
  const events = useAuditEvents(filter);
  const directory = useUserDirectory();
  const csv = useCsvExport();
  const users = new Map((directory.data ?? []).map((user) => [user.id, user]));
  const page = filter.page ?? 1;
  const go = (next: AuditFilter) => void navigate({ to: '/console/audit', search: next });
  const rows = events.data?.rows ?? [];
  const filtered = Object.keys(filter).some((key) => key !== 'page');

  const exportCsv = () =>
    csv.mutate(filter, {
      onSuccess: (count) =>
        notifyDone('CSV exported', count === 1 ? '1 record' : `${count.toLocaleString('en')} records`),
    });

  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Every access to patient data and every sign-in and account change in this tenant, newest first."
        actions={
          <>
            <ChainStatusBadge />
            <Button
              variant="default"
              leftSection={<IconDownload size={16} aria-hidden />}
              onClick={exportCsv}
              loading={csv.isPending}
            >
              Export CSV
            </Button>
          </>
        }
      />
      <Stack gap="md">
        <AuditFilters filter={filter} users={directory.data ?? []} onApply={go} />
        {csv.isError && <ErrorAlert title="The export failed" error={csv.error} onRetry={exportCsv} />}
        {events.isError && (
          <ErrorAlert title="The audit trail could not be read" error={events.error} onRetry={() => events.refetch()} />
        )}
        <Paper withBorder radius="md">
          {events.isPending ? (
            <TableSkeleton rows={6} label="Loading the audit trail" />
          ) : rows.length === 0 ? (
            <EmptyState title={filtered ? 'No records match these filters' : 'No records yet'}>
              {filtered ? 'Widen the date range or clear a filter.' : 'Records appear here as people use Meridian.'}
            </EmptyState>
          ) : (
            <Table.ScrollContainer minWidth={1000}>
              <Table striped aria-label="Audit records" aria-busy={events.isFetching} verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Who</Table.Th>
                    <Table.Th>Action</Table.Th>
                    <Table.Th>Resource</Table.Th>
                    <Table.Th>Patient</Table.Th>
                    <Table.Th>Outcome</Table.Th>
                    <Table.Th>IP address</Table.Th>
                    <Table.Th>Purpose of use</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((row) => (
                    <Table.Tr key={row.id}>
                      <Table.Td>
                        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                          {formatFhirDateTime(row.recorded)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Who row={row} users={users} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{actionLabel(row.action)}</Text>
                        {row.detail && (
                          <Text size="xs" c="dimmed">
                            {row.detail}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace" truncate="end" maw={180} title={row.resource}>
                          {row.resource ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {row.patientId ? (
                          <Anchor
                            component="button"
                            type="button"
                            size="sm"
                            ff="monospace"
                            maw={120}
                            title={row.patientId}
                            style={{
                              overflow: 'hidden',
                              textOverflow: 'ellipsis',
                              whiteSpace: 'nowrap',
                              display: 'block',
                            }}
                            onClick={() => go({ patient: row.patientId! })}
                            aria-label={`Show only records of patient ${row.patientId}`}
                          >
                            {row.patientId}
                          </Anchor>
                        ) : (
                          '—'
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" fw={600} c={OUTCOME_COLORS[row.outcome]} style={{ whiteSpace: 'nowrap' }}>
                          {OUTCOME_LABELS[row.outcome]}
                        </Text>
                        {row.status ? (
                          <Text size="xs" c="dimmed">
                            HTTP {row.status}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {row.ip ?? '—'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{row.purposeOfUse ?? '—'}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
        {(page > 1 || events.data?.hasMore) && (
          <Group justify="space-between">
            <Text size="sm" c="dimmed" aria-live="polite">
              Page {page} · records {(page - 1) * AUDIT_PAGE_SIZE + 1}–{(page - 1) * AUDIT_PAGE_SIZE + rows.length}
            </Text>
            <Group gap="xs">
              <Button
                variant="default"
                leftSection={<IconChevronLeft size={16} aria-hidden />}
                disabled={page <= 1}
                onClick={() => go({ ...filter, page: page - 1 })}
              >
                Newer
              </Button>
              <Button
                variant="default"
                rightSection={<IconChevronRight size={16} aria-hidden />}
                disabled={!events.data?.hasMore}
                onClick={() => go({ ...filter, page: page + 1 })}
              >
                Older
              </Button>
            </Group>
          </Group>
        )}
      </Stack>
    </>
  );
}
