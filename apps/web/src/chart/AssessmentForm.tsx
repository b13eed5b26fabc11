import { Button, Group, SegmentedControl, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useRef, useState } from 'react';
import {
  type AssessmentCatalog,
  type AssessmentField,
  type AssessmentKind,
  assessmentField,
  assessmentRequest,
  type AssessmentForm as Form,
  KIND_LABELS,
  type NewAssessment,
  type SystemChoice,
} from './assessments';
import { DateField, ListForm, useFormErrors } from './list-form';
import { today } from './list-options';
import { useClinicalListsApi, useListChange } from './useClinicalLists';

const CHOICES: { value: SystemChoice; label: string }[] = [
  { value: 'not-examined', label: 'Not examined' },
  { value: 'normal', label: 'Normal' },
  { value: 'abnormal', label: 'Abnormal' },
];

/**
 * Records an examination or a review of systems, body system by body system (the systems the server
 * takes): each normal or abnormal, with what was found. The server's refusals land on the system they
 * are about.
 */
export function AssessmentForm({
  patientId,
  catalog,
  onDone,
}: {
  patientId: string;
  catalog: AssessmentCatalog;
  onDone: () => void;
}) {
  const api = useClinicalListsApi();
  const [form, setForm] = useState<Form>({ kind: 'physical-exam', effective: today(), systems: {}, note: '' });
  // Which system each sent entry was: the server names a refused one by its place in the request.
  const sent = useRef<string[]>([]);
  const { errors, unplaced, submit } = useFormErrors<AssessmentField>((path) => assessmentField(path, sent.current));
  const record = useListChange('assessments', patientId, (body: NewAssessment) =>
    api.recordAssessment(patientId, body),
  );
  const keys = catalog.systems.map((entry) => entry.system);
  const system = (key: string) => form.systems[key] ?? { status: 'not-examined' as const, finding: '' };
  const setSystem = (key: string, change: Partial<Form['systems'][string]>) =>
    setForm((current) => ({ ...current, systems: { ...current.systems, [key]: { ...system(key), ...change } } }));
  const onSubmit = async () => {
    const { body, order } = assessmentRequest(form, keys);
    sent.current = order;
    if (await submit({}, () => record.mutateAsync(body))) onDone();
  };
  const restNormal = () =>
    setForm((current) => ({
      ...current,
      systems: Object.fromEntries(
        keys.map((key) => {
          const entry = current.systems[key] ?? { status: 'not-examined' as const, finding: '' };
          return [key, entry.status === 'not-examined' ? { ...entry, status: 'normal' as const } : entry];
        }),
      ),
    }));

  return (
    <ListForm
      title="Record an assessment"
      failed="The assessment was not recorded"
      submitLabel="Record assessment"
      pending={record.isPending}
      unplaced={unplaced}
      onSubmit={onSubmit}
      onCancel={onDone}
    >
      <Group align="flex-end" wrap="wrap" gap="lg">
        <Stack gap={4}>
          <Text size="sm" fw={500} id="assessment-kind">
            Type
          </Text>
          <SegmentedControl
            aria-labelledby="assessment-kind"
            value={form.kind}
            onChange={(kind) => setForm((current) => ({ ...current, kind: kind as AssessmentKind }))}
            data={catalog.kinds.map(({ kind }) => ({ value: kind, label: KIND_LABELS[kind] ?? kind }))}
          />
        </Stack>
        <DateField
          label="Date"
          value={form.effective}
          onChange={(effective) => setForm((current) => ({ ...current, effective }))}
          error={errors.effective}
        />
        <Button variant="default" size="sm" onClick={restNormal}>
          Mark the rest normal
        </Button>
      </Group>
      {errors.systems && (
        <Text size="sm" c="red.9" role="alert">
          {errors.systems}
        </Text>
      )}
      <Table.ScrollContainer minWidth={720}>
        <Table aria-label="Body systems" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">System</Table.Th>
              <Table.Th scope="col">Result</Table.Th>
              <Table.Th scope="col">Finding</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {catalog.systems.map(({ system: key, display, examples }) => {
              const entry = system(key);
              return (
                <Table.Tr key={key}>
                  <Table.Th scope="row" fw={600}>
                    {display}
                  </Table.Th>
                  <Table.Td>
                    <SegmentedControl
                      size="xs"
                      aria-label={`${display} result`}
                      value={entry.status}
                      onChange={(status) => setSystem(key, { status: status as SystemChoice })}
                      data={CHOICES}
                      color={entry.status === 'abnormal' ? 'red.9' : undefined}
                    />
                    {errors[`status:${key}`] && (
                      <Text size="xs" c="red.9">
                        {errors[`status:${key}`]}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td miw={260}>
                    <TextInput
                      size="xs"
                      aria-label={`${display} finding`}
                      placeholder={`e.g. ${examples}`}
                      value={entry.finding}
                      onChange={(event) => setSystem(key, { finding: event.currentTarget.value })}
                      error={errors[`finding:${key}`]}
                      autoComplete="off"
                    />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Textarea
        label="Note"
        description="Optional"
        autosize
        minRows={2}
        value={form.note}
        onChange={(event) => setForm((current) => ({ ...current, note: event.currentTarget.value }))}
        error={errors.note}
      />
    </ListForm>
  );
}
