import { Button, Group, Stack, Table, TextInput } from '@mantine/core';
import type { Immunization } from '@medplum/fhirtypes';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { formatFhirDateTime } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import { CodeTypeahead } from './CodeTypeahead';
import { codeText } from './clinical-display';
import type { Concept, NewImmunization } from './clinical-lists-api';
import { errorField, FORM_STYLE, FormBox, ListTable, PanelHeader, StatusBadge, useCanChart } from './list-ui';
import { useClinicalList, useClinicalListsApi, useListChange } from './useClinicalLists';

type Field = 'vaccine' | 'occurrence' | 'lotNumber';
const FIELDS: readonly Field[] = ['vaccine', 'occurrence', 'lotNumber'];

function AddImmunizationForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const api = useClinicalListsApi();
  const [text, setText] = useState('');
  const [vaccine, setVaccine] = useState<Concept>();
  const [given, setGiven] = useState(new Date().toISOString().slice(0, 10));
  const [lot, setLot] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const add = useListChange('immunizations', patientId, (input: NewImmunization) =>
    api.addImmunization(patientId, input),
  );
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!vaccine) {
      setErrors({ vaccine: 'Choose the vaccine (CVX) from the list' });
      return;
    }
    setErrors({});
    try {
      await add.mutateAsync({
        vaccine: { code: vaccine.code, display: vaccine.display },
        ...(given ? { occurrence: given } : {}),
        ...(lot.trim() ? { lotNumber: lot.trim() } : {}),
      });
      onDone();
    } catch (error) {
      const field = errorField(error, FIELDS);
      if (field) setErrors({ [field]: (error as Error).message });
    }
  };
  return (
    <FormBox title="Record an immunization">
      <form onSubmit={submit} aria-label="Record an immunization" noValidate style={FORM_STYLE}>
        <Stack gap="sm">
          {add.isError && !errorField(add.error, FIELDS) && (
            <ErrorAlert title="The immunization was not recorded" error={add.error} />
          )}
          <Group align="flex-start" grow wrap="wrap">
            <CodeTypeahead
              label="Vaccine"
              system="cvx"
              description="Search CVX by code or name"
              value={text}
              onChange={(next, chosen) => {
                setText(next);
                setVaccine(chosen);
              }}
              error={errors.vaccine}
              required
            />
            <TextInput
              label="Given on"
              type="date"
              value={given}
              onChange={(event) => setGiven(event.currentTarget.value)}
              error={errors.occurrence}
              maw={200}
            />
            <TextInput
              label="Lot number"
              value={lot}
              onChange={(event) => setLot(event.currentTarget.value)}
              error={errors.lotNumber}
              maw={200}
              autoComplete="off"
            />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
            <Button type="submit" loading={add.isPending}>
              Record immunization
            </Button>
          </Group>
        </Stack>
      </form>
    </FormBox>
  );
}

/** The Immunizations tab: vaccines given (CVX), recording one. */
export function ImmunizationsPanel({ patientId }: { patientId: string }) {
  const canEdit = useCanChart();
  const [adding, setAdding] = useState(false);
  const list = useClinicalList('immunizations', patientId);
  return (
    <Stack gap="md">
      <PanelHeader
        title="Immunizations"
        actions={
          canEdit &&
          !adding && (
            <Button size="xs" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setAdding(true)}>
              Record immunization
            </Button>
          )
        }
      />
      {adding && <AddImmunizationForm patientId={patientId} onDone={() => setAdding(false)} />}
      <ListTable<Immunization>
        label="Immunizations"
        query={list}
        rows={list.data?.items}
        empty="No immunizations recorded"
        headers={['Vaccine', 'CVX', 'Status', 'Given', 'Lot']}
        row={(immunization) => (
          <Table.Tr key={immunization.id}>
            <Table.Td fw={600}>{codeText(immunization.vaccineCode) || '—'}</Table.Td>
            <Table.Td>{immunization.vaccineCode?.coding?.[0]?.code ?? '—'}</Table.Td>
            <Table.Td>
              <StatusBadge value={immunization.status} />
            </Table.Td>
            <Table.Td>
              {formatFhirDateTime(immunization.occurrenceDateTime) || immunization.occurrenceString || '—'}
            </Table.Td>
            <Table.Td>{immunization.lotNumber ?? '—'}</Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
