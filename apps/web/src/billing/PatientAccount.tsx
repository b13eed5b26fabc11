import { Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { PickedPatient } from '../schedule/PatientPicker';
import { ErrorAlert } from '../shared/ErrorAlert';
import { balanceIn, chargesOnDrafts, type InvoiceSummary } from './billing-display';
import { ChargesPanel } from './ChargesPanel';
import { InvoicesPanel } from './InvoicesPanel';
import { formatMoney } from './money';
import { PaymentDialog } from './PaymentDialog';
import { usePatientAccount } from './useBilling';

export function PatientAccount({ patient }: { patient: PickedPatient }) {
  const account = usePatientAccount(patient.id);
  const [paying, setPaying] = useState<InvoiceSummary | null>(null);
  return (
    <Stack gap="lg">
      <ChargesPanel
        patient={patient.id}
        charges={account.charges}
        onDrafts={chargesOnDrafts(account.invoices.data ?? [])}
      />
      <InvoicesPanel
        patient={patient.id}
        invoices={account.invoices}
        payments={account.payments}
        onPay={(invoice) => setPaying(invoice)}
      />
      {paying && <PaymentDialog patient={patient} invoice={paying} onClose={() => setPaying(null)} />}
    </Stack>
  );
}

/** The patient's ledger balance: due, receivable and credit. */
export function BalanceCard({ patient }: { patient: PickedPatient }) {
  const { balance } = usePatientAccount(patient.id);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="billing-balance-title" h="100%">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3" id="billing-balance-title">
          Account of {patient.name}
        </Title>
      </Group>
      {balance.isPending ? (
        <Skeleton height={48} />
      ) : balance.isError ? (
        <ErrorAlert title="Could not load the balance" error={balance.error} onRetry={() => void balance.refetch()} />
      ) : (
        (() => {
          const usd = balanceIn(balance.data, balance.data[0]?.currency ?? 'USD');
          return (
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Figure label="Balance due" value={formatMoney(usd.due, usd.currency)} testId="balance-due" strong />
              <Figure label="Receivable" value={formatMoney(usd.receivable, usd.currency)} />
              <Figure label="Credit on account" value={formatMoney(usd.credit, usd.currency)} />
            </SimpleGrid>
          );
        })()
      )}
    </Paper>
  );
}

function Figure({ label, value, strong, testId }: { label: string; value: string; strong?: boolean; testId?: string }) {
  return (
    <Stack gap={0}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size={strong ? 'xl' : 'lg'} fw={strong ? 700 : 500} data-testid={testId} aria-label={`${label}: ${value}`}>
        {value}
      </Text>
    </Stack>
  );
}
