import { Combobox, Group, Loader, Stack, Text, TextInput, useCombobox } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useRef, useState } from 'react';
import { isApiError } from '../api/api-error';
import { useShortcutHandlers, useShortcuts } from '../app/shortcuts-context';
import { ageFrom, formatFhirDate } from '../format/dates';
import { formatPatientName, genderLabel, mrnOf } from './patient-display';
import { isSearchable } from './patient-search-query';
import { usePatientSearch } from './usePatientSearch';

const SUGGESTIONS = 8;

/**
 * The header's patient search: type-ahead on name, MRN, birth date or phone; Enter opens the full results,
 * arrow keys and Enter open a suggested chart. The `/` shortcut focuses it.
 */
export function PatientSearchBox() {
  const navigate = useNavigate();
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [debounced] = useDebouncedValue(text.trim(), 200);
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const search = usePatientSearch(debounced, SUGGESTIONS);
  const shortcuts = useShortcuts();
  const slashFocuses = Boolean(shortcuts?.enabled && shortcuts.shortcuts.some((shortcut) => shortcut.id === 'search'));
  useShortcutHandlers({
    search: () => {
      const input = inputRef.current;
      // Hidden on phones (no layout box): the results page has a search box of its own.
      if (input?.offsetParent) input.focus();
      else void navigate({ to: '/patients' });
    },
  });

  const openChart = (id: string) => {
    combobox.closeDropdown();
    setText('');
    inputRef.current?.blur();
    void navigate({ to: '/patients/$patientId', params: { patientId: id } });
  };
  const openResults = () => {
    if (!text.trim()) return;
    combobox.closeDropdown();
    void navigate({ to: '/patients', search: { q: text.trim() } });
  };

  const patients = search.data?.resources ?? [];
  const waiting = isSearchable(text) && (debounced !== text.trim() || search.isFetching);
  let status: string | undefined;
  if (search.isError) {
    status =
      isApiError(search.error) && search.error.status === 400
        ? search.error.message
        : 'Patient search failed. Press Enter to try the full search.';
  } else if (!isSearchable(text)) {
    status = 'Type at least two characters: a name, an MRN or a birth date (YYYY-MM-DD)';
  } else if (search.isSuccess && !search.isPlaceholderData && patients.length === 0 && !waiting) {
    status = 'No patients match';
  }

  return (
    <Combobox
      store={combobox}
      onOptionSubmit={(value) => openChart(value)}
      withinPortal
      position="bottom-start"
      shadow="md"
    >
      <Combobox.Target>
        <TextInput
          ref={inputRef}
          type="search"
          aria-autocomplete="list"
          aria-label="Search patients"
          aria-keyshortcuts={slashFocuses ? '/' : undefined}
          placeholder="Search patients: name, MRN, birth date or phone"
          leftSection={<IconSearch size={16} aria-hidden />}
          rightSection={
            waiting ? (
              <Loader size={16} role="status" aria-label="Searching" />
            ) : slashFocuses ? (
              <kbd aria-hidden>/</kbd>
            ) : undefined
          }
          rightSectionPointerEvents="none"
          value={text}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => {
            setText(event.currentTarget.value);
            combobox.openDropdown();
            combobox.resetSelectedOption();
          }}
          onFocus={() => combobox.openDropdown()}
          onBlur={() => combobox.closeDropdown()}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && combobox.getSelectedOptionIndex() < 0) {
              event.preventDefault();
              openResults();
            }
            if (event.key === 'Escape') {
              combobox.closeDropdown();
            }
          }}
        />
      </Combobox.Target>
      <Combobox.Dropdown>
        <Combobox.Options aria-label="Matching patients">
          {status ? (
            <Combobox.Empty>
              <Text size="sm" c={search.isError ? 'red.9' : 'dimmed'} ta="left" py={4}>
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
                    <Group gap={6}>
                      <Text size="xs" c="dimmed">
                        {[
                          genderLabel(patient),
                          patient.birthDate
                            ? `${formatFhirDate(patient.birthDate)}${age ? ` (${age})` : ''}`
                            : 'Birth date not recorded',
                          mrn ? `MRN ${mrn}` : undefined,
                        ]
                          .filter(Boolean)
                          .join(' · ')}
                      </Text>
                    </Group>
                  </Stack>
                </Combobox.Option>
              );
            })
          )}
        </Combobox.Options>
        {patients.length > 0 && !status && (
          <Combobox.Footer>
            <Text size="xs" c="dimmed">
              Enter: all results · ↑ ↓ then Enter: open a chart
            </Text>
          </Combobox.Footer>
        )}
      </Combobox.Dropdown>
    </Combobox>
  );
}
