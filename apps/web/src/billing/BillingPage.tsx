import { Paper, SimpleGrid, Stack, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import { SCREEN_ROLES } from '../app/navigation';
import { RequireRole } from '../auth/RequireRole';
import { PatientPicker, type PickedPatient } from '../schedule/PatientPicker';
import { EmptyState } from '../shared/EmptyState';
import { PageHeader } from '../shared/PageHeader';
import { AgingReport, ClaimsList, ServiceCatalog } from './BillingReports';
import { BalanceCard, PatientAccount } from './PatientAccount';

/** The billing desk: a patient's charges, invoices and payments; the catalog, AR aging and claims. */
export function BillingPage() {
  return (
    <RequireRole roles={SCREEN_ROLES.billing} what="the billing desk">
      <BillingDesk />
    </RequireRole>
  );
}

function BillingDesk() {
  const [patient, setPatient] = useState<PickedPatient | null>(null);
  return (
    <Stack gap="md">
      <PageHeader title="Billing desk" description="Charges, invoices and payments" />
      <Tabs defaultValue="account" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="account">Patient account</Tabs.Tab>
          <Tabs.Tab value="catalog">Service catalog</Tabs.Tab>
          <Tabs.Tab value="aging">AR aging</Tabs.Tab>
          <Tabs.Tab value="claims">Claims</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="account">
          <Stack gap="md">
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Paper withBorder p="md">
                <PatientPicker label="Patient" value={patient} onChange={setPatient} />
              </Paper>
              {patient && <BalanceCard key={patient.id} patient={patient} />}
            </SimpleGrid>
            {patient ? (
              <PatientAccount key={patient.id} patient={patient} />
            ) : (
              <EmptyState title="Find a patient">
                <Text span size="sm">
                  Search by name, MRN, birth date or phone to see their visits, charges, invoices and balance.
                </Text>
              </EmptyState>
            )}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="catalog">
          <ServiceCatalog />
        </Tabs.Panel>
        <Tabs.Panel value="aging">
          <AgingReport />
        </Tabs.Panel>
        <Tabs.Panel value="claims">
          <ClaimsList />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
