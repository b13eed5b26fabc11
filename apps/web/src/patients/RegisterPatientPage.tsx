import { Alert, Button, Group, List, Paper, Radio, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import type { Patient } from '@medplum/fhirtypes';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { type ApiIssue, isApiError } from '../api/api-error';
import { useFhir } from '../api/useApi';
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
  const fhir = useFhir();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [general, setGeneral] = useState<ApiIssue[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [duplicates, setDuplicates] = useState<Patient[]>();
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

  const create = useMutation({
    mutationFn: (patient: Patient) => fhir.create(patient),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ['fhir', 'Patient'] });
      notifications.show({
        color: 'green',
        title: 'Patient registered',
        message: `${formatPatientName(created)} now has a chart.`,
      });
      await navigate({ to: '/patients/$patientId', params: { patientId: created.id! } });
    },
    onError: (error, sent) => {
      if (isApiError(error) && error.status >= 400 && error.status < 500 && error.issues.length) {
        const placed = placeIssues(error.issues, sent);
        form.setErrors(placed.fields);
        setGeneral(placed.general);
        setFailure(Object.keys(placed.fields).length || placed.general.length ? undefined : error);
        focusFirstError(placed.fields);
      } else {
        setFailure(error);
      }
    },
  });

  /** Same family name and birth date already on file: say so before a second chart is made. */
  const findDuplicates = async (values: PatientFormValues): Promise<Patient[]> => {
    try {
      const found = await fhir.search('Patient', [
        ['family', values.family.trim()],
        ['birthdate', values.birthDate.trim()],
        ['_count', '5'],
      ]);
      return found.resources;
    } catch {
      // No search (or a malformed date the server will name on save): nothing to warn about here.
      return [];
    }
  };

  const submit = async (values: PatientFormValues, confirmed = false) => {
    setGeneral([]);
    setFailure(undefined);
    if (!confirmed) {
      const matches = await findDuplicates(values);
      if (matches.length) {
        setDuplicates(matches);
        return;
      }
    }
    setDuplicates(undefined);
    create.mutate(toPatient(values));
  };

  return (
    <>
      <PageHeader title="Register a patient" description="Fields marked * are required." />
      <form
        noValidate
        onSubmit={form.onSubmit(
          (values) => void submit(values),
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
                description="Leave empty if your clinic assigns it later"
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
                  {duplicates.length === 1 ? 'A patient' : `${duplicates.length} patients`} with the same family name
                  and date of birth {duplicates.length === 1 ? 'is' : 'are'} on file. Open the existing chart instead of
                  creating a second one.
                </Text>
                <List size="sm">
                  {duplicates.map((patient) => (
                    <List.Item key={patient.id}>
                      <PatientLink patientId={patient.id!}>{formatPatientName(patient)}</PatientLink>
                      {` · born ${formatFhirDate(patient.birthDate)}`}
                      {mrnOf(patient) ? ` · MRN ${mrnOf(patient)}` : ''}
                    </List.Item>
                  ))}
                </List>
                <Group>
                  <Button
                    size="xs"
                    color="orange.9"
                    variant="outline"
                    onClick={() => void submit(form.getValues(), true)}
                  >
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
