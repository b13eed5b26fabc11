import { Alert, Button, Group, List, Paper, Radio, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import type { Patient } from '@medplum/fhirtypes';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { type ApiIssue, isApiError } from '../api/api-error';
import { useApi } from '../api/useApi';
import { SCREEN_ROLES } from '../app/navigation';
import { RequireRole } from '../auth/RequireRole';
import { formatFhirDate } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { PatientLink } from '../shared/PatientLink';
import { formatPatientName, mrnOf } from './patient-display';
import {
  EMPTY_PATIENT_FORM,
  missingFields,
  type PatientField,
  type PatientFormValues,
  placeIssues,
  toPatient,
} from './patient-form';
import {
  type DuplicateCandidate,
  describeMatch,
  duplicateCandidates,
  type Registration,
  registrationIssues,
} from './registration-api';

const FIELD_ORDER: PatientField[] = [
  'family',
  'given',
  'birthDate',
  'gender',
  'mrn',
  'phone',
  'email',
  'addressLine',
  'city',
  'postalCode',
];

export function RegisterPatientPage() {
  return (
    <RequireRole roles={SCREEN_ROLES.registerPatient} what="Registering patients">
      <RegisterPatientForm />
    </RequireRole>
  );
}

function RegisterPatientForm() {
  const { http } = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [general, setGeneral] = useState<ApiIssue[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [duplicates, setDuplicates] = useState<DuplicateCandidate[]>();
  const duplicateAlert = useRef<HTMLDivElement>(null);
  // The warning sits by the buttons, below the fold on small screens: bring it into view and to the reader.
  useEffect(() => {
    if (!duplicates) return;
    duplicateAlert.current?.scrollIntoView({ block: 'center' });
    duplicateAlert.current?.focus();
  }, [duplicates]);
  const form = useForm<PatientFormValues>({
    mode: 'controlled',
    initialValues: EMPTY_PATIENT_FORM,
    validate: (values) => missingFields(values),
    validateInputOnBlur: false,
  });

  const focusFirstError = (errors: Partial<Record<PatientField, unknown>>) => {
    const first = FIELD_ORDER.find((field) => errors[field]);
    if (first) document.querySelector<HTMLElement>(`[data-field="${first}"] input, [data-field="${first}"]`)?.focus();
  };

  // The server checks for duplicates and assigns the MRN; a 409 lists the patients it found on file.
  const create = useMutation({
    mutationFn: async ({ patient, force }: { patient: Patient; force: boolean }) =>
      (await http.request<Registration>('/patients', { method: 'POST', body: { patient, force } })).body,
    onSuccess: async ({ patient: created, mrn }) => {
      await queryClient.invalidateQueries({ queryKey: ['fhir', 'Patient'] });
      notifications.show({
        color: 'green',
        title: 'Patient registered',
        message: `${formatPatientName(created)} now has a chart${mrn ? ` (MRN ${mrn})` : ''}.`,
      });
      await navigate({ to: '/patients/$patientId', params: { patientId: created.id! } });
    },
    onError: (error, { patient: sent }) => {
      const candidates = isApiError(error) ? duplicateCandidates(error) : undefined;
      if (candidates) {
        setDuplicates(candidates);
        return;
      }
      if (isApiError(error) && error.status >= 400 && error.status < 500 && error.issues.length) {
        const placed = placeIssues(registrationIssues(error), sent);
        form.setErrors(placed.fields);
        setGeneral(placed.general);
        setFailure(Object.keys(placed.fields).length || placed.general.length ? undefined : error);
        focusFirstError(placed.fields);
      } else {
        setFailure(error);
      }
    },
  });

  const submit = (values: PatientFormValues, confirmed = false) => {
    setGeneral([]);
    setFailure(undefined);
    setDuplicates(undefined);
    create.mutate({ patient: toPatient(values), force: confirmed });
  };

  return (
    <>
      <PageHeader title="Register a patient" description="Fields marked * are required." />
      <form
        noValidate
        onSubmit={form.onSubmit(
          (values) => submit(values),
          (errors) => focusFirstError(errors as Partial<Record<PatientField, unknown>>),
        )}
      >
        <Stack gap="lg" maw={820}>
          <Paper withBorder p="lg" radius="md" component="fieldset" style={{ margin: 0 }}>
            <Title order={2} size="h4" mb="md" component="legend" style={{ float: 'left', width: '100%' }}>
              Identity
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" style={{ clear: 'both' }}>
              <TextInput
                label="Family name"
                withAsterisk
                autoComplete="off"
                data-field="family"
                {...form.getInputProps('family')}
              />
              <TextInput
                label="Given names"
                withAsterisk
                autoComplete="off"
                data-field="given"
                {...form.getInputProps('given')}
              />
              <TextInput
                label="Date of birth"
                description="Year-month-day, e.g. 1980-03-12"
                placeholder="YYYY-MM-DD"
                withAsterisk
                autoComplete="off"
                inputMode="numeric"
                data-field="birthDate"
                {...form.getInputProps('birthDate')}
              />
              <TextInput
                label="Medical record number (MRN)"
                description="Leave empty: Meridian assigns one. Fill in only to keep a number from another system."
                autoComplete="off"
                data-field="mrn"
                {...form.getInputProps('mrn')}
              />
            </SimpleGrid>
            <Radio.Group
              mt="md"
              label="Administrative gender"
              withAsterisk
              data-field="gender"
              {...form.getInputProps('gender')}
            >
              <Group mt="xs" gap="lg">
                <Radio value="female" label="Female" />
                <Radio value="male" label="Male" />
                <Radio value="other" label="Other" />
                <Radio value="unknown" label="Unknown" />
              </Group>
            </Radio.Group>
          </Paper>

          <Paper withBorder p="lg" radius="md" component="fieldset" style={{ margin: 0 }}>
            <Title order={2} size="h4" mb="md" component="legend" style={{ float: 'left', width: '100%' }}>
              Contact
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" style={{ clear: 'both' }}>
              <TextInput
                label="Phone"
                type="tel"
                autoComplete="off"
                data-field="phone"
                {...form.getInputProps('phone')}
              />
              <TextInput
                label="Email"
                type="email"
                autoComplete="off"
                data-field="email"
                {...form.getInputProps('email')}
              />
              <TextInput
                label="Address"
                autoComplete="off"
                data-field="addressLine"
                {...form.getInputProps('addressLine')}
              />
              <SimpleGrid cols={2} spacing="md">
                <TextInput label="City" autoComplete="off" data-field="city" {...form.getInputProps('city')} />
                <TextInput
                  label="Postal code"
                  autoComplete="off"
                  data-field="postalCode"
                  {...form.getInputProps('postalCode')}
                />
              </SimpleGrid>
            </SimpleGrid>
          </Paper>

          {duplicates && (
            <Alert
              ref={duplicateAlert}
              tabIndex={-1}
              color="orange"
              variant="light"
              title="This patient may already be registered"
              icon={<IconAlertTriangle aria-hidden />}
              role="alert"
            >
              <Stack gap="sm">
                <Text size="sm">
                  {duplicates.length === 1 ? 'A patient' : `${duplicates.length} patients`} on file{' '}
                  {duplicates.length === 1 ? 'looks' : 'look'} like this one. Open the existing chart instead of
                  creating a second one.
                </Text>
                <List size="sm">
                  {duplicates.map(({ patient, ...candidate }) => (
                    <List.Item key={candidate.id}>
                      <PatientLink patientId={candidate.id}>{formatPatientName(patient)}</PatientLink>
                      {` · born ${formatFhirDate(patient.birthDate)}`}
                      {mrnOf(patient) ? ` · MRN ${mrnOf(patient)}` : ''}
                      <Text size="xs" c="dimmed">
                        {describeMatch({ patient, ...candidate })}
                      </Text>
                    </List.Item>
                  ))}
                </List>
                <Group>
                  <Button size="xs" color="orange.9" variant="outline" onClick={() => submit(form.getValues(), true)}>
                    Register as a new patient anyway
                  </Button>
                </Group>
              </Stack>
            </Alert>
          )}
          {create.isError && Object.keys(form.errors).length > 0 && (
            <Alert color="red" variant="light" title="The record was not saved" role="alert">
              <Text size="sm">Correct the fields marked in red, then register again.</Text>
            </Alert>
          )}
          {general.length > 0 && (
            <Alert color="red" variant="light" title="The record was not saved" role="alert">
              <List size="sm">
                {general.map((issue) => (
                  <List.Item key={`${issue.code}:${issue.message}`}>{issue.message}</List.Item>
                ))}
              </List>
            </Alert>
          )}
          {failure !== undefined && <ErrorAlert title="The record was not saved" error={failure} />}
          <Group>
            <Button type="submit" loading={create.isPending}>
              Register patient
            </Button>
            <Button variant="default" component={Link} to="/patients">
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </>
  );
}
