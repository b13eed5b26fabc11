import { Badge, Group, Paper, Skeleton, Stack, Text, Title, Tooltip } from '@mantine/core';
import type { AllergyIntolerance, Patient } from '@medplum/fhirtypes';
import { IconAlertTriangle } from '@tabler/icons-react';
import { ageFrom, formatFhirDate } from '../format/dates';
import { formatPatientName, genderLabel, mrnOf, otherIdentifiers } from '../patients/patient-display';
import { codeText } from './clinical-display';
import { useChartSearch } from './useChartSearch';

function isCurrent(allergy: AllergyIntolerance): boolean {
  const status = allergy.clinicalStatus?.coding?.[0]?.code;
  const verification = allergy.verificationStatus?.coding?.[0]?.code;
  return (
    status !== 'inactive' && status !== 'resolved' && verification !== 'refuted' && verification !== 'entered-in-error'
  );
}

function AllergySummary({ patientId }: { patientId: string }) {
  const search = useChartSearch('AllergyIntolerance', patientId);
  if (search.isPending) return <Skeleton height={24} width={120} radius="xl" aria-label="Loading allergies" />;
  if (search.isError) {
    return (
      <Badge color="gray.7" variant="outline" size="lg" tt="none">
        Allergies unavailable
      </Badge>
    );
  }
  const current = (search.data.resources as AllergyIntolerance[]).filter(isCurrent);
  if (!current.length) {
    return (
      <Badge color="gray.7" variant="outline" size="lg" tt="none">
        No known allergies
      </Badge>
    );
  }
  const names = current.map((allergy) => codeText(allergy.code)).filter(Boolean);
  return (
    <Tooltip label={names.join(', ') || 'Allergies recorded'} withArrow>
      <Badge
        color="red.9"
        variant="filled"
        size="lg"
        tt="none"
        leftSection={<IconAlertTriangle size={16} aria-hidden />}
      >
        {current.length} {current.length === 1 ? 'allergy' : 'allergies'}
        {names.length ? `: ${names.slice(0, 2).join(', ')}${names.length > 2 ? '…' : ''}` : ''}
      </Badge>
    </Tooltip>
  );
}

/** Who this chart is about, always in view: name, age, gender, MRN and allergies. */
export function PatientBanner({ patient }: { patient: Patient }) {
  const age = ageFrom(patient.birthDate);
  const mrn = mrnOf(patient);
  const others = otherIdentifiers(patient);
  return (
    <Paper withBorder radius="md" p="lg" aria-label="Patient banner" component="section">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
        <Stack gap={6}>
          <Group gap="sm" align="baseline">
            <Title order={1} size="h2">
              {formatPatientName(patient)}
            </Title>
            {patient.active === false && (
              <Badge color="gray.7" variant="outline">
                Inactive record
              </Badge>
            )}
            {patient.deceasedBoolean || patient.deceasedDateTime ? (
              <Badge color="dark" variant="filled">
                Deceased
              </Badge>
            ) : null}
          </Group>
          <Group gap="lg" wrap="wrap">
            <Text size="sm">
              <Text span c="dimmed">
                Gender{' '}
              </Text>
              {genderLabel(patient)}
            </Text>
            <Text size="sm">
              <Text span c="dimmed">
                Born{' '}
              </Text>
              {patient.birthDate ? formatFhirDate(patient.birthDate) : 'not recorded'}
              {age ? ` (${age})` : ''}
            </Text>
            <Text size="sm">
              <Text span c="dimmed">
                MRN{' '}
              </Text>
              {mrn ?? 'not assigned'}
            </Text>
            {others.map((identifier) => (
              <Text size="sm" key={`${identifier.label}:${identifier.value}`}>
                <Text span c="dimmed">
                  {identifier.label}{' '}
                </Text>
                {identifier.value}
              </Text>
            ))}
          </Group>
        </Stack>
        <AllergySummary patientId={patient.id!} />
      </Group>
    </Paper>
  );
}
