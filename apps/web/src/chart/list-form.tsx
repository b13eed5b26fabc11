import { Button, Group, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { type ComponentProps, type ReactNode, useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import type { Concept } from './clinical-lists-api';
import { EnteredInErrorButton } from './EnteredInErrorButton';
import { type FieldErrors, fieldMessage, type PlaceError, placeOf } from './list-errors';
import { FORM_STYLE, FormBox } from './list-ui';

/**
 * A form's errors: its own checks, then the server's refusal on the field it names, or for the form's
 * alert when no field shows it.
 */
export function useFormErrors<F extends string>(place: PlaceError<F>) {
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [unplaced, setUnplaced] = useState<unknown>();
  /** Runs `action` unless `checks` found something; true when it went through. */
  const submit = async (checks: FieldErrors<F>, action: () => Promise<unknown>): Promise<boolean> => {
    setUnplaced(undefined);
    if (Object.values(checks).some(Boolean)) {
      setErrors(checks);
      return false;
    }
    setErrors({});
    try {
      await action();
      return true;
    } catch (error) {
      const field = placeOf(error, place);
      if (field) setErrors({ [field]: fieldMessage(error as Error) } as FieldErrors<F>);
      else setUnplaced(error);
      return false;
    }
  };
  return { errors, unplaced, submit };
}

/**
 * A list's add or edit form in the chart's look: named by its title, the refusal no field shows on top,
 * the fields, then Cancel and the submit button (with `extra` actions on the left).
 */
export function ListForm({
  title,
  failed,
  submitLabel,
  pending,
  unplaced,
  onSubmit,
  onCancel,
  extra,
  children,
}: {
  title: string;
  /** The alert's title for a refusal no field shows ("The problem was not added"). */
  failed: string;
  submitLabel: string;
  pending: boolean;
  unplaced: unknown;
  onSubmit: () => unknown;
  onCancel: () => void;
  extra?: ReactNode;
  children: ReactNode;
}) {
  return (
    <FormBox title={title}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void onSubmit();
        }}
        aria-label={title}
        noValidate
        style={FORM_STYLE}
      >
        <Stack gap="sm">
          {unplaced ? <ErrorAlert title={failed} error={unplaced} /> : null}
          {children}
          <Group justify="space-between" wrap="wrap">
            <Group gap="sm">{extra}</Group>
            <Group gap="sm">
              <Button variant="default" onClick={onCancel}>
                Cancel
              </Button>
              <Button type="submit" loading={pending}>
                {submitLabel}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </FormBox>
  );
}

/**
 * An entry's edit form: named after the entry, "Save changes" or Cancel, and marking it entered in error
 * beside (which closes the form too).
 */
export function EditListForm({
  list,
  patientId,
  id,
  name,
  failed,
  pending,
  unplaced,
  onSubmit,
  onDone,
  children,
}: {
  list: ComponentProps<typeof EnteredInErrorButton>['list'];
  patientId: string;
  id: string;
  /** What the entry is called in the list ("Type 2 diabetes mellitus"). */
  name: string;
  failed: string;
  pending: boolean;
  unplaced: unknown;
  onSubmit: () => unknown;
  onDone: () => void;
  children: ReactNode;
}) {
  return (
    <ListForm
      title={`Edit ${name}`}
      failed={failed}
      submitLabel="Save changes"
      pending={pending}
      unplaced={unplaced}
      onSubmit={onSubmit}
      onCancel={onDone}
      extra={<EnteredInErrorButton list={list} patientId={patientId} id={id} name={name} onDone={onDone} />}
    >
      {children}
    </ListForm>
  );
}

/** An edit's own check: saving nothing at all is refused on the note field. */
export const NOTHING_CHANGED = 'Nothing changed: change a field or add a note';

/** The note an edit adds to an entry; `about` names the entry's kind ("problem"). */
export function NoteField({
  about,
  value,
  onChange,
  error,
}: {
  about: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
}) {
  return (
    <Textarea
      label="Add a note"
      description={`Kept with the ${about}, with the date and who wrote it`}
      autosize
      minRows={2}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={error}
    />
  );
}

/**
 * A code typeahead's text and the concept chosen for it, kept together: typing after a choice leaves
 * none chosen until the next one. Spread `field` onto the typeahead.
 */
export function useCodeChoice() {
  const [text, setText] = useState('');
  const [chosen, setChosen] = useState<Concept>();
  const onChange = (next: string, concept: Concept | undefined) => {
    setText(next);
    setChosen(concept);
  };
  return { text, chosen, field: { value: text, onChange } };
}

/** A day, as the lists take dates (YYYY-MM-DD). */
export function DateField({
  label,
  value,
  onChange,
  error,
  description,
  required,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  description?: string | undefined;
  required?: boolean;
}) {
  return (
    <TextInput
      label={label}
      type="date"
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={error}
      description={description}
      required={required}
      maw={220}
    />
  );
}

/** A choice among labelled options; `clearable` when the field may be left empty. */
export function ChoiceField<V extends string>({
  label,
  options,
  value,
  onChange,
  error,
  clearable,
}: {
  label: string;
  options: readonly { value: V; label: string }[];
  value: V | null;
  onChange: (value: V | null) => void;
  error?: string | undefined;
  clearable?: boolean;
}) {
  return (
    <Select
      label={label}
      data={[...options]}
      value={value}
      onChange={(next) => onChange(next as V | null)}
      error={error}
      clearable={clearable}
      allowDeselect={Boolean(clearable)}
      placeholder={clearable ? 'Not recorded' : undefined}
    />
  );
}
