import { Button, Group, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconSearch, IconUserPlus } from '@tabler/icons-react';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { patientSearchRoute } from '../app/routes';
import { ageFrom, formatFhirDate } from '../format/dates';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { PatientLink } from '../shared/PatientLink';
import { TableSkeleton } from '../shared/TableSkeleton';
import { formatPatientName, genderLabel, mrnOf, primaryPhone } from './patient-display';
import { isSearchable } from './patient-search-query';
import { usePatientSearch } from './usePatientSearch';

const PAGE = 50;

export function PatientSearchPage() {
  const { q = '' } = patientSearchRoute.useSearch();
  const navigate = useNavigate();
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const search = usePatientSearch(q, PAGE);
  const patients = search.data?.resources ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void navigate({ to: '/patients', search: text.trim() ? { q: text.trim() } : {} });
  };

  let body: ReactNode;
  if (!isSearchable(q)) {
    body = (
      <EmptyState title="Search for a patient">
        Enter part of a name, an MRN or a birth date (YYYY-MM-DD). Combine them to narrow the list, e.g.{' '}
        <em>doe 1980-03-12</em>.
      </EmptyState>
    );
  } else if (search.isPending) {
    body = <TableSkeleton label="Searching patients" />;
  } else if (search.isError) {
    body = <ErrorAlert title="Patient search failed" error={search.error} onRetry={() => search.refetch()} />;
  } else if (patients.length === 0) {
    body = (
      <EmptyState title={`No patients match “${q}”`}>
        Check the spelling, try fewer words, or register the patient if they are new.
      </EmptyState>
    );
  } else {
    body = (
      <Table.ScrollContainer minWidth={640}>
        <Table highlightOnHover striped aria-label="Matching patients">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Gender</Table.Th>
              <Table.Th>Birth date</Table.Th>
              <Table.Th>MRN</Table.Th>
              <Table.Th>Phone</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {patients.map((patient) => {
              const age = ageFrom(patient.birthDate);
              return (
                <Table.Tr key={patient.id}>
                  <Table.Td>
                    <PatientLink patientId={patient.id!} fw={600}>
                      {formatPatientName(patient)}
                    </PatientLink>
                  </Table.Td>
                  <Table.Td>{genderLabel(patient)}</Table.Td>
                  <Table.Td>
                    {patient.birthDate ? `${formatFhirDate(patient.birthDate)}${age ? ` (${age})` : ''}` : '—'}
                  </Table.Td>
                  <Table.Td>{mrnOf(patient) ?? '—'}</Table.Td>
                  <Table.Td>{primaryPhone(patient) ?? '—'}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  const total = search.data?.total;
  return (
    <>
      <PageHeader
        title="Patients"
        description="Find a patient's chart."
        actions={
          <Button component={Link} to="/patients/new" leftSection={<IconUserPlus size={16} aria-hidden />}>
            Register patient
          </Button>
        }
      />
      <Paper withBorder p="md" radius="md">
        <Stack gap="md">
          <search>
            <form onSubmit={submit}>
              <Group align="flex-end" gap="sm">
                <TextInput
                  label="Name, MRN, birth date or phone"
                  value={text}
                  onChange={(event) => setText(event.currentTarget.value)}
                  flex={1}
                  leftSection={<IconSearch size={16} aria-hidden />}
                />
                <Button type="submit" variant="filled">
                  Search
                </Button>
              </Group>
            </form>
          </search>
          {search.isSuccess && patients.length > 0 && (
            <Text size="sm" c="dimmed" aria-live="polite">
              {total !== undefined && total > patients.length
                ? `Showing the first ${patients.length} of ${total} patients. Add words to narrow the list.`
                : `${patients.length} ${patients.length === 1 ? 'patient' : 'patients'}`}
            </Text>
          )}
          {body}
        </Stack>
      </Paper>
    </>
  );
}
