import { Group, List, Text } from '@mantine/core';
import type { Condition } from '@medplum/fhirtypes';
import { useMemo, useState } from 'react';
import { formatFhirDateTime } from '../format/dates';
import { codeText } from './clinical-display';
import { ChoiceField, DateField, EditListForm, NOTHING_CHANGED, NoteField, useFormErrors } from './list-form';
import { PROBLEM_VERIFICATION_OPTIONS, problemStatusOptions, SEVERITY_OPTIONS, statusDateLabel } from './list-options';
import { type ProblemForm, problemChanges, problemForm } from './problem-edit';
import { useClinicalListsApi, useListChange } from './useClinicalLists';

type Field = 'onset' | 'severity' | 'verificationStatus' | 'clinicalStatus' | 'date' | 'note';

/** The server names the request's fields; a resolved date before the onset is the `date`'s fault. */
function place(path: string): Field | undefined {
  const head = path.split('.')[0];
  if (head === 'abatement') return 'date';
  return (['onset', 'severity', 'verificationStatus', 'clinicalStatus', 'date', 'note'] as const).find(
    (field) => field === head,
  );
}

/**
 * A problem's details and status in one form: onset, severity, verification, resolving or a recurrence
 * with its date, a note; its notes so far below; marking it entered in error beside.
 */
export function ProblemEditor({
  patientId,
  problem,
  onDone,
}: {
  patientId: string;
  problem: Condition;
  onDone: () => void;
}) {
  const api = useClinicalListsApi();
  const initial = useMemo(() => problemForm(problem), [problem]);
  const [form, setForm] = useState<ProblemForm>(initial);
  const { errors, unplaced, submit } = useFormErrors<Field>(place);
  const save = useListChange('problems', patientId, (changes: NonNullable<ReturnType<typeof problemChanges>>) =>
    api.editProblem(patientId, problem.id!, changes),
  );
  const name = codeText(problem.code) || 'Unnamed problem';
  const statusChanges = form.clinicalStatus !== initial.clinicalStatus;
  const set = (change: Partial<ProblemForm>) => setForm((current) => ({ ...current, ...change }));
  const onSubmit = async () => {
    const changes = problemChanges(initial, form);
    const done = await submit(changes ? {} : { note: NOTHING_CHANGED }, () => save.mutateAsync(changes!));
    if (done) onDone();
  };

  return (
    <EditListForm
      list="problems"
      patientId={patientId}
      id={problem.id!}
      name={name}
      failed="The problem was not changed"
      pending={save.isPending}
      unplaced={unplaced}
      onSubmit={onSubmit}
      onDone={onDone}
    >
      <Group align="flex-start" grow wrap="wrap">
        <ChoiceField
          label="Clinical status"
          options={problemStatusOptions(initial.clinicalStatus)}
          value={form.clinicalStatus}
          onChange={(value) => set({ clinicalStatus: value ?? initial.clinicalStatus })}
          error={errors.clinicalStatus}
        />
        {statusChanges && (
          <DateField
            label={statusDateLabel(form.clinicalStatus)}
            value={form.date}
            onChange={(date) => set({ date })}
            error={errors.date}
          />
        )}
        <DateField
          label="Onset"
          value={form.onset}
          onChange={(onset) => set({ onset })}
          error={errors.onset}
          description={!initial.onset && problem.onsetDateTime ? `Recorded as ${problem.onsetDateTime}` : undefined}
        />
      </Group>
      <Group align="flex-start" grow wrap="wrap">
        <ChoiceField
          label="Severity"
          options={SEVERITY_OPTIONS}
          value={form.severity}
          onChange={(severity) => set({ severity })}
          error={errors.severity}
          clearable
        />
        <ChoiceField
          label="Verification"
          options={PROBLEM_VERIFICATION_OPTIONS}
          value={form.verificationStatus}
          onChange={(verificationStatus) => set({ verificationStatus })}
          error={errors.verificationStatus}
        />
      </Group>
      <NoteField about="problem" value={form.note} onChange={(note) => set({ note })} error={errors.note} />
      {problem.note?.length ? (
        <div>
          <Text size="sm" fw={600}>
            Notes so far
          </Text>
          <List size="sm" spacing={2}>
            {problem.note.map((note, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: notes are only ever appended
              <List.Item key={index}>
                {note.time ? `${formatFhirDateTime(note.time)}: ` : ''}
                {note.text}
              </List.Item>
            ))}
          </List>
        </div>
      ) : null}
    </EditListForm>
  );
}
