import { Card, Skeleton, Stack, Text } from '@mantine/core';
import { formatFhirDate } from '../format/dates';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { dosageText, medicationName } from './portal-format';
import { usePortalPatient } from './portal-patient';
import { useMedications } from './usePortal';

/** The patient's current (active) prescriptions. */
export function MedicationsPage() {
  const medications = useMedications(usePortalPatient());
  return (
    <Stack gap="lg">
      <PageHeader title="Your medications" description="What your clinicians have currently prescribed for you." />
      {medications.isPending && <Skeleton h={120} radius="md" aria-label="Loading medications" />}
      {medications.isError && (
        <ErrorAlert
          title="Your medications could not be loaded"
          error={medications.error}
          onRetry={() => medications.refetch()}
        />
      )}
      {medications.isSuccess && medications.data.length === 0 && (
        <EmptyState title="No current medications">Prescriptions from the clinic appear here.</EmptyState>
      )}
      {medications.data && medications.data.length > 0 && (
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Current medications">
          {medications.data.map((request) => (
            <Card key={request.id} component="li" withBorder radius="md">
              <Text fw={700}>{medicationName(request)}</Text>
              <Text size="sm">{dosageText(request) ?? 'Take as your clinician told you.'}</Text>
              {request.authoredOn && (
                <Text size="xs" c="dimmed">
                  Prescribed {formatFhirDate(request.authoredOn)}
                </Text>
              )}
            </Card>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
