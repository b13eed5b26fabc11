import { Badge, Paper, Table, Text, Title } from '@mantine/core';
import type { Claim } from '@medplum/fhirtypes';
import { useQueries } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { formatFhirDate } from '../format/dates';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { TableSkeleton } from '../shared/TableSkeleton';
import { catalogService } from './billing-display';
import { decimalToMinor, formatMoney } from './money';
import { agingRows, claimStatusLabel } from './reports-display';
import { useAging, useBillingApi, useCatalog, useClaims } from './useBilling';

function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h3" id={id} mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

export function ServiceCatalog() {
  const catalog = useCatalog();
  const services = (catalog.data ?? []).map(catalogService).sort((a, b) => a.code.localeCompare(b.code));
  return (
    <Section title="Service catalog" id="billing-catalog-title">
      {catalog.isPending ? (
        <TableSkeleton />
      ) : catalog.isError ? (
        <ErrorAlert title="Could not load the catalog" error={catalog.error} onRetry={() => void catalog.refetch()} />
      ) : services.length === 0 ? (
        <EmptyState title="The catalog is empty">A tenant admin adds services and their prices.</EmptyState>
      ) : (
        <Table striped aria-label="Service catalog">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Code</Table.Th>
              <Table.Th>Service</Table.Th>
              <Table.Th ta="right">Self-pay price</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {services.map((service) => (
              <Table.Tr key={service.id}>
                <Table.Td fw={600}>{service.code}</Table.Td>
                <Table.Td>{service.title}</Table.Td>
                <Table.Td ta="right">
                  {service.price !== undefined ? formatMoney(service.price, service.currency) : '—'}
                </Table.Td>
                <Table.Td>
                  <Badge
                    color={service.status === 'active' ? 'teal.9' : 'gray.7'}
                    variant="filled"
                    tt="none"
                    autoContrast
                  >
                    {service.status === 'active' ? 'Active' : 'Retired'}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}

const BUCKETS = ['0-30', '31-60', '61-90', '90+'] as const;

export function AgingReport() {
  const aging = useAging();
  const rows = aging.data ? agingRows(aging.data) : [];
  return (
    <Section title="Accounts receivable aging" id="billing-aging-title">
      {aging.isPending ? (
        <TableSkeleton />
      ) : aging.isError ? (
        <ErrorAlert title="Could not load the aging report" error={aging.error} onRetry={() => void aging.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="Nothing is owed">No open receivables.</EmptyState>
      ) : (
        <>
          <Text size="sm" c="dimmed" mb="xs">
            As of {formatFhirDate(aging.data.asOf.slice(0, 10))}; days since the amount was charged.
          </Text>
          <Table.ScrollContainer minWidth={640}>
            <Table striped aria-label="Accounts receivable aging">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Receivable</Table.Th>
                  {BUCKETS.map((bucket) => (
                    <Table.Th key={bucket} ta="right">
                      {bucket} days
                    </Table.Th>
                  ))}
                  <Table.Th ta="right">Total</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={row.key}>
                    <Table.Td fw={600}>{row.label}</Table.Td>
                    {BUCKETS.map((bucket) => (
                      <Table.Td key={bucket} ta="right">
                        {formatMoney(row.buckets[bucket], row.currency)}
                      </Table.Td>
                    ))}
                    <Table.Td ta="right" fw={600}>
                      {formatMoney(row.total, row.currency)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Section>
  );
}

export function ClaimsList() {
  const claims = useClaims();
  const billing = useBillingApi();
  const list = (claims.data ?? []).slice(0, 50);
  const statuses = useQueries({
    queries: list.map((claim) => ({
      queryKey: ['billing', 'claim-status', claim.id],
      queryFn: async () => (await billing.claimStatus(claim.id!)).status,
    })),
  });
  return (
    <Section title="Claims" id="billing-claims-title">
      {claims.isPending ? (
        <TableSkeleton />
      ) : claims.isError ? (
        <ErrorAlert title="Could not load the claims" error={claims.error} onRetry={() => void claims.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState title="No claims yet">Claims are made from issued invoices of insured patients.</EmptyState>
      ) : (
        <Table striped aria-label="Claims">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Claim</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th ta="right">Total</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((claim: Claim, index) => {
              const status = statuses[index];
              const label = status?.data ? claimStatusLabel(status.data) : undefined;
              const currency = claim.total?.currency ?? 'USD';
              return (
                <Table.Tr key={claim.id}>
                  <Table.Td fw={600}>{claim.identifier?.[0]?.value ?? claim.id}</Table.Td>
                  <Table.Td>{claim.created ? formatFhirDate(claim.created.slice(0, 10)) : '—'}</Table.Td>
                  <Table.Td ta="right">
                    {claim.total?.value !== undefined
                      ? formatMoney(decimalToMinor(claim.total.value, currency) ?? 0, currency)
                      : '—'}
                  </Table.Td>
                  <Table.Td>
                    {label ? (
                      <Badge color={label.color} variant="filled" tt="none" autoContrast>
                        {label.text}
                      </Badge>
                    ) : status?.isError ? (
                      'Unknown'
                    ) : (
                      'Loading…'
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}
