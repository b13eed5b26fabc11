import { Badge, Group, Paper, Skeleton, Stack, Text, Title, Tooltip } from '@mantine/core';
import type { AllergyIntolerance, Flag, Patient } from '@medplum/fhirtypes';
import { IconAlertTriangle, IconFlag } from '@tabler/icons-react';
import { ageFrom, formatFhirDate } from '../format/dates';
import { formatPatientName, genderLabel, mrnOf, otherIdentifiers } from '../patients/patient-display';
import { codeText } from './clinical-display';
import { allergyLabel, allergySummary } from './problem-list';
import { useChartSearch } from './useChartSearch';

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
  const { current, noKnown } = allergySummary(search.data.resources as AllergyIntolerance[]);
  if (!current.length) {
    // "No known allergies" only when someone recorded it; an empty list may just not be asked yet.
    return (
      <Badge color="gray.7" variant="outline" size="lg" tt="none">
        {noKnown ? 'No known allergies' : 'Allergies not recorded'}
      </Badge>
    );
  }
  const names = current.map((allergy) => allergyLabel(allergy, codeText(allergy.code))).filter(Boolean);
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

/** Active risk flags on the patient (FHIR Flag), e.g. fall risk or isolation, in words with an icon. */
function RiskFlags({ patientId }: { patientId: string }) {
  const search = useChartSearch('Flag', patientId);
  const flags = ((search.data?.resources ?? []) as Flag[]).filter((flag) => flag.status === 'active');
  if (!flags.length) return null;
  return (
    <Group gap="xs" aria-label="Risk flags" role="group">
      {flags.map((flag) => (
        <Badge
          key={flag.id}
          color="orange.9"
          variant="outline"
          size="lg"
          tt="none"
          leftSection={<IconFlag size={16} aria-hidden />}
        >
          {codeText(flag.code) || 'Flag'}
        </Badge>
      ))}
    </Group>
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
        <Stack gap="xs" align="flex-end">
          <AllergySummary patientId={patient.id!} />
          <RiskFlags patientId={patient.id!} />
        </Stack>
      </Group>
    </Paper>
  );
}
