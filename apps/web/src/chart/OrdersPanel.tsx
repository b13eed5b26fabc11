import { Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { formatFhirDateTime } from '../format/dates';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TableSkeleton } from '../shared/TableSkeleton';
import { codeText } from './clinical-display';
import { PanelHeader, StatusBadge, useCanChart } from './list-ui';
import { OrderForm } from './OrderForm';
import { OrderResults } from './OrderResults';
import type { OrderView } from './orders-api';
import { ORDER_STATUS_LABELS, PRIORITY_LABELS } from './results-display';
import { useOrdersApi } from './useClinicalLists';

function OrderCard({ view, acknowledged }: { view: OrderView; acknowledged: Map<string, string> }) {
  const canEdit = useCanChart();
  const api = useOrdersApi();
  const queryClient = useQueryClient();
  const patientId = view.order.subject?.reference?.split('/')[1] ?? '';
  const step = useMutation({
    mutationFn: (to: 'activate' | 'revoke') => (to === 'activate' ? api.activate(view.id) : api.revoke(view.id)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['orders'] }),
  });
  const { order } = view;
  const name = codeText(order.code) || 'Order';
  const pressing = order.priority === 'stat' || order.priority === 'asap';
  const hasResults = view.status === 'active' || view.status === 'completed';
  return (
    <Paper withBorder radius="md" p="md" component="article" aria-label={`Order: ${name}`}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Stack gap={4}>
            <Group gap="xs">
              <Text fw={700}>{name}</Text>
              <Badge variant="outline" color="gray.7" tt="none">
                {view.kind === 'imaging' ? 'Imaging' : 'Lab'}
              </Badge>
              <StatusBadge value={view.status} label={ORDER_STATUS_LABELS[view.status ?? ''] ?? view.status} />
              <Badge variant={pressing ? 'filled' : 'outline'} color={pressing ? 'dark.7' : 'gray.7'} tt="none">
                {PRIORITY_LABELS[order.priority ?? 'routine']}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed">
              Accession {view.accessionNumber ?? '—'} · ordered {formatFhirDateTime(order.authoredOn) || '—'}
              {order.reasonCode?.length ? ` · reason: ${order.reasonCode.map(codeText).join(', ')}` : ''}
            </Text>
          </Stack>
          {canEdit && (
            <Group gap="xs">
              {(view.status === 'draft' || view.status === 'on-hold') && (
                <Button
                  size="compact-sm"
                  loading={step.isPending && step.variables === 'activate'}
                  onClick={() => step.mutate('activate')}
                >
                  Activate
                </Button>
              )}
              {(view.status === 'draft' || view.status === 'active' || view.status === 'on-hold') && (
                <Button
                  size="compact-sm"
                  variant="default"
                  loading={step.isPending && step.variables === 'revoke'}
                  onClick={() => step.mutate('revoke')}
                  aria-label={`Revoke ${name}`}
                >
                  Revoke
                </Button>
              )}
            </Group>
          )}
        </Group>
        {step.isError && <ErrorAlert title="The order was not changed" error={step.error} />}
        {hasResults && patientId && <OrderResults orderId={view.id} acknowledged={acknowledged} />}
      </Stack>
    </Paper>
  );
}

/** The Orders tab: ordering lab tests and imaging, each order with its status, accession number and results. */
export function OrdersPanel({ patientId }: { patientId: string }) {
  const canEdit = useCanChart();
  const api = useOrdersApi();
  const [ordering, setOrdering] = useState(false);
  const orders = useQuery({
    queryKey: ['orders', patientId],
    queryFn: ({ signal }) => api.list(patientId, signal),
  });
  // Which results this clinician has acknowledged: the inbox knows (acknowledgements are per account).
  const inbox = useQuery({
    queryKey: ['inbox', 'all'],
    queryFn: ({ signal }) => api.inbox('all', signal),
    enabled: canEdit,
    retry: false,
  });
  const acknowledged = useMemo(
    () =>
      new Map(
        (inbox.data?.results ?? [])
          .filter((result) => result.acknowledged && result.acknowledgedAt)
          .map((result) => [result.reportId, result.acknowledgedAt!]),
      ),
    [inbox.data],
  );

  return (
    <Stack gap="md">
      <PanelHeader
        title="Orders and results"
        actions={
          canEdit &&
          !ordering && (
            <Button size="xs" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setOrdering(true)}>
              New order
            </Button>
          )
        }
      />
      {ordering && <OrderForm patientId={patientId} onDone={() => setOrdering(false)} />}
      {orders.isPending ? (
        <TableSkeleton rows={3} label="Loading orders" />
      ) : orders.isError ? (
        <ErrorAlert title="Orders could not be loaded" error={orders.error} onRetry={() => orders.refetch()} />
      ) : !orders.data.orders.length ? (
        <EmptyState title="No orders">{canEdit ? 'Order a lab test or an imaging study.' : undefined}</EmptyState>
      ) : (
        <Stack gap="sm" component="ul" aria-label="Orders" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {orders.data.orders.map((view) => (
            <li key={view.id}>
              <OrderCard view={view} acknowledged={acknowledged} />
            </li>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
