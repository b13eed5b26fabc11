import { Alert, Button, Group, List, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { Observation } from '@medplum/fhirtypes';
import { useState } from 'react';
import { isApiError } from '../api/api-error';
import { ErrorAlert } from '../shared/ErrorAlert';
import { useRecordVitals } from './useVitals';
import {
  buildMeasurements,
  CHART_VITALS,
  EMPTY_VITALS_FORM,
  fieldMessage,
  fieldOfErrorPath,
  pointText,
  type VitalsField,
  type VitalsFormValues,
} from './vitals-form';

interface SavedLine {
  label: string;
  text: string;
}

/** What the server stored, in canonical units, BMI included when it computed one. */
function savedLines(observations: Observation[]): SavedLine[] {
  return observations.map((observation) => {
    const code = observation.code.coding?.[0]?.code;
    const vital = CHART_VITALS.find((entry) => entry.code === code);
    const components = observation.component?.length
      ? Object.fromEntries(
          observation.component.map((component) => [
            component.code.coding?.[0]?.code === '8480-6' ? 'systolic' : 'diastolic',
            component.valueQuantity?.value ?? Number.NaN,
          ]),
        )
      : undefined;
    const unit = observation.valueQuantity?.code ?? observation.component?.[0]?.valueQuantity?.code ?? '';
    return {
      label: vital?.label ?? observation.code.text ?? 'Measurement',
      text: pointText({ ...(components ? { components } : { value: observation.valueQuantity?.value }) }, unit),
    };
  });
}

/** Records a set of vital signs; the server's refusal of an impossible value shows under its field. */
export function RecordVitalsForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const form = useForm<VitalsFormValues>({ initialValues: EMPTY_VITALS_FORM });
  const record = useRecordVitals(patientId);
  const [saved, setSaved] = useState<SavedLine[]>();

  const submit = form.onSubmit(async (values) => {
    setSaved(undefined);
    const built = buildMeasurements(values);
    if (Object.keys(built.errors).length) {
      form.setErrors(built.errors);
      return;
    }
    try {
      const result = await record.mutateAsync(built.measurements);
      setSaved(savedLines(result.observations as Observation[]));
      form.reset();
    } catch (error) {
      if (!isApiError(error)) return;
      const field = fieldOfErrorPath(error.details.path as string | undefined, built.fields);
      if (field) form.setFieldError(field, fieldMessage(error.message));
    }
  });

  const fieldError = record.error && isApiError(record.error) ? record.error : undefined;
  const unplaced =
    record.isError &&
    !fieldOfErrorPath(fieldError?.details.path as string | undefined, buildMeasurements(form.values).fields);
  const input = (field: VitalsField, label: string, unit: string) => (
    <TextInput
      label={label}
      rightSection={
        <Text size="xs" c="dimmed" aria-hidden>
          {unit}
        </Text>
      }
      rightSectionWidth={48}
      inputMode="decimal"
      autoComplete="off"
      {...form.getInputProps(field)}
    />
  );

  return (
    // The darker red keeps error text readable (contrast over 4.5:1) on the light background.
    <form
      onSubmit={submit}
      aria-label="Record vitals"
      noValidate
      style={{ '--mantine-color-error': 'var(--mantine-color-red-9)' } as React.CSSProperties}
    >
      <Stack gap="md">
        {saved && (
          <Alert color="teal" variant="light" title="Vitals saved" role="status">
            <List size="sm" aria-label="Saved vital signs">
              {saved.map((line) => (
                <List.Item key={line.label}>
                  {line.label}: {line.text}
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {unplaced && <ErrorAlert title="The vitals were not saved" error={record.error} />}
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
          <Stack gap={4}>
            {input('temperature', 'Temperature', form.values.temperatureUnit === 'Cel' ? '°C' : '°F')}
            <SegmentedControl
              size="xs"
              aria-label="Temperature unit"
              data={[
                { label: '°C', value: 'Cel' },
                { label: '°F', value: '[degF]' },
              ]}
              value={form.values.temperatureUnit}
              onChange={(unit) => form.setFieldValue('temperatureUnit', unit as VitalsFormValues['temperatureUnit'])}
            />
          </Stack>
          {input('heartRate', 'Heart rate', '/min')}
          {input('respiratoryRate', 'Respiratory rate', '/min')}
          {input('spo2', 'SpO2', '%')}
          {input('systolic', 'Systolic pressure', 'mmHg')}
          {input('diastolic', 'Diastolic pressure', 'mmHg')}
          {input('weight', 'Weight', 'kg')}
          {input('height', 'Height', 'cm')}
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Close
          </Button>
          <Button type="submit" loading={record.isPending}>
            Save vitals
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
