import { Combobox, Loader, Stack, Text, TextInput, useCombobox } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { ageFrom, formatFhirDate } from '../format/dates';
import { formatPatientName, mrnOf } from '../patients/patient-display';
import { isSearchable } from '../patients/patient-search-query';
import { usePatientSearch } from '../patients/usePatientSearch';

export interface PickedPatient {
  id: string;
  name: string;
}

/** A type-ahead that picks a patient (name, MRN, birth date or phone), for forms rather than for opening charts. */
export function PatientPicker({
  label,
  value,
  onChange,
  error,
  autoFocus,
}: {
  label: string;
  value: PickedPatient | null;
  onChange: (patient: PickedPatient | null) => void;
  error?: string | undefined;
  autoFocus?: boolean;
}) {
  const [text, setText] = useState(value?.name ?? '');
  const [debounced] = useDebouncedValue(text.trim(), 200);
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const search = usePatientSearch(value && text === value.name ? '' : debounced, 8);
  const patients = search.data?.resources ?? [];
  const waiting = isSearchable(text) && (debounced !== text.trim() || search.isFetching);
  let status: string | undefined;
  if (search.isError) status = 'Patient search failed';
  else if (!isSearchable(text)) status = 'Type at least two characters: a name, an MRN or a birth date';
  else if (search.isSuccess && patients.length === 0 && !waiting) status = 'No patients match';

  return (
    <Combobox
      store={combobox}
      withinPortal={false}
      onOptionSubmit={(id) => {
        const patient = patients.find((candidate) => candidate.id === id);
        if (!patient) return;
        const picked = { id, name: formatPatientName(patient) };
        setText(picked.name);
        onChange(picked);
        combobox.closeDropdown();
      }}
    >
      <Combobox.Target>
        <TextInput
          label={label}
          required
          type="search"
          autoComplete="off"
          aria-autocomplete="list"
          data-autofocus={autoFocus ? true : undefined}
          placeholder="Name, MRN, birth date or phone"
          leftSection={<IconSearch size={16} aria-hidden />}
          rightSection={waiting ? <Loader size={16} role="status" aria-label="Searching" /> : null}
          value={text}
          error={error}
          description={value ? `Selected: ${value.name}` : undefined}
          onChange={(event) => {
            setText(event.currentTarget.value);
            if (value) onChange(null);
            combobox.openDropdown();
            combobox.resetSelectedOption();
          }}
          onFocus={() => combobox.openDropdown()}
          onBlur={() => combobox.closeDropdown()}
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={Boolean(value) && text === value?.name}>
        <Combobox.Options aria-label="Matching patients">
          {status ? (
            <Combobox.Empty>
              <Text size="sm" c={search.isError ? 'red.9' : 'dimmed'} ta="left">
                {status}
              </Text>
            </Combobox.Empty>
          ) : (
            patients.map((patient) => {
              const mrn = mrnOf(patient);
              const age = ageFrom(patient.birthDate);
              return (
                <Combobox.Option value={patient.id!} key={patient.id}>
                  <Stack gap={0}>
                    <Text size="sm" fw={600}>
                      {formatPatientName(patient)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {[
                        patient.birthDate ? `${formatFhirDate(patient.birthDate)}${age ? ` (${age})` : ''}` : undefined,
                        mrn ? `MRN ${mrn}` : undefined,
                      ]
                        .filter(Boolean)
                        .join(' · ')}
                    </Text>
                  </Stack>
                </Combobox.Option>
              );
            })
          )}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
