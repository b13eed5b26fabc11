import { Badge, Button, Skeleton, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconCreditCard } from '@tabler/icons-react';
import { useState } from 'react';
import { formatMoney } from '../billing/money';
import { formatFhirDate } from '../format/dates';
import { invoiceNumber } from '../payments/invoice-number';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { PayInvoiceDialog } from './PayInvoiceDialog';
import { insurerNote, invoiceState } from './portal-invoices';
import { usePortalPatient } from './portal-patient';
import { useInvoices } from './usePortal';

/** The patient's invoices with what is left to pay on each; an open one can be paid by card here. */
export function InvoicesPage() {
  const patientId = usePortalPatient();
  const invoices = useInvoices(patientId);
  const [paying, setPaying] = useState<string | null>(null);
  const payingInvoice = invoices.data?.find((invoice) => invoice.id === paying);
  return (
    <Stack gap="lg">
      <PageHeader title="Your invoices" />
      <Text size="sm">Pay an invoice by card here, all at once or in parts. Payments show at once.</Text>
      {invoices.isPending && <Skeleton h={120} radius="md" aria-label="Loading invoices" />}
      {invoices.isError && (
        <ErrorAlert
          title="Your invoices could not be loaded"
          error={invoices.error}
          onRetry={() => invoices.refetch()}
        />
      )}
      {invoices.isSuccess && invoices.data.length === 0 && (
        <EmptyState title="No invoices">You owe nothing.</EmptyState>
      )}
      {invoices.data && invoices.data.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" bg="white" aria-label="Invoices">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Invoice</Table.Th>
                <Table.Th>Date</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Amount</Table.Th>
                <Table.Th ta="right">Balance</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invoices.data.map((invoice) => {
                const number = invoiceNumber(invoice.id);
                const state = invoiceState(invoice);
                const note = insurerNote(invoice);
                return (
                  <Table.Tr key={invoice.id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {invoice.kind === 'credit-note' ? 'Credit note' : 'Invoice'} {number}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {invoice.lineCount} item{invoice.lineCount === 1 ? '' : 's'}
                      </Text>
                    </Table.Td>
                    <Table.Td>{formatFhirDate(invoice.date)}</Table.Td>
                    <Table.Td>
                      <Badge variant="filled" color={state.color} tt="none" autoContrast>
                        {state.label}
                      </Badge>
                      {note && (
                        <Text size="xs" mt={4} maw={280}>
                          {note}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">{formatMoney(invoice.total, invoice.currency)}</Table.Td>
                    <Table.Td ta="right" fw={600}>
                      {invoice.kind === 'invoice' ? formatMoney(invoice.openBalance, invoice.currency) : '—'}
                    </Table.Td>
                    <Table.Td ta="right">
                      {invoice.payable && (
                        <Button
                          size="xs"
                          leftSection={<IconCreditCard size={16} aria-hidden />}
                          aria-label={`Pay invoice ${number}`}
                          onClick={() => setPaying(invoice.id)}
                        >
                          Pay
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {payingInvoice && (
        <PayInvoiceDialog invoice={payingInvoice} patientId={patientId} onClose={() => setPaying(null)} />
      )}
    </Stack>
  );
}
