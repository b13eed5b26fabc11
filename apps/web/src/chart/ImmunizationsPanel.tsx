import { Group, Stack, Table, TextInput } from '@mantine/core';
import type { Immunization } from '@medplum/fhirtypes';
import { useState } from 'react';
import { formatFhirDateTime } from '../format/dates';
import { CodeTypeahead } from './CodeTypeahead';
import { codeText } from './clinical-display';
import type { Concept, NewImmunization } from './clinical-lists-api';
import { EnteredInErrorButton } from './EnteredInErrorButton';
import { DateField, ListForm, useCodeChoice, useFormErrors } from './list-form';
import { today } from './list-options';
import { AddButton, ListTable, PanelHeader, StatusBadge, useCanChart } from './list-ui';
import { useClinicalList, useClinicalListsApi, useListChange } from './useClinicalLists';

type Field = 'vaccine' | 'occurrence' | 'lotNumber';
const FIELDS: readonly Field[] = ['vaccine', 'occurrence', 'lotNumber'];

function AddImmunizationForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const api = useClinicalListsApi();
  const { chosen: vaccine, field: vaccineField } = useCodeChoice();
  const [given, setGiven] = useState(today());
  const [lot, setLot] = useState('');
  const { errors, unplaced, submit } = useFormErrors(FIELDS);
  const add = useListChange('immunizations', patientId, (input: NewImmunization) =>
    api.addImmunization(patientId, input),
  );
  const onSubmit = async () => {
    const checks = { vaccine: vaccine ? undefined : 'Choose the vaccine (CVX) from the list' };
    const input = (chosen: Concept): NewImmunization => ({
      vaccine: { code: chosen.code, display: chosen.display },
      ...(given ? { occurrence: given } : {}),
      ...(lot.trim() ? { lotNumber: lot.trim() } : {}),
    });
    if (await submit(checks, () => add.mutateAsync(input(vaccine!)))) onDone();
  };
  return (
    <ListForm
      title="Record an immunization"
      failed="The immunization was not recorded"
      submitLabel="Record immunization"
      pending={add.isPending}
      unplaced={unplaced}
      onSubmit={onSubmit}
      onCancel={onDone}
    >
      <Group align="flex-start" grow wrap="wrap">
        <CodeTypeahead
          label="Vaccine"
          system="cvx"
          description="Search CVX by code or name"
          {...vaccineField}
          error={errors.vaccine}
          required
        />
        <DateField label="Given on" value={given} onChange={setGiven} error={errors.occurrence} />
        <TextInput
          label="Lot number"
          value={lot}
          onChange={(event) => setLot(event.currentTarget.value)}
          error={errors.lotNumber}
          maw={200}
          autoComplete="off"
        />
      </Group>
    </ListForm>
  );
}

/** The Immunizations tab: vaccines given (CVX), recording one, marking one entered in error. */
export function ImmunizationsPanel({ patientId }: { patientId: string }) {
  const canEdit = useCanChart();
  const [adding, setAdding] = useState(false);
  const list = useClinicalList('immunizations', patientId);
  return (
    <Stack gap="md">
      <PanelHeader
        title="Immunizations"
        actions={canEdit && !adding && <AddButton onClick={() => setAdding(true)}>Record immunization</AddButton>}
      />
      {adding && <AddImmunizationForm patientId={patientId} onDone={() => setAdding(false)} />}
      <ListTable<Immunization>
        label="Immunizations"
        query={list}
        rows={list.data?.items}
        empty="No immunizations recorded"
        headers={['Vaccine', 'CVX', 'Status', 'Given', 'Lot', ...(canEdit ? ['Actions'] : [])]}
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
            {canEdit && (
              <Table.Td>
                <EnteredInErrorButton
                  list="immunizations"
                  patientId={patientId}
                  id={immunization.id!}
                  name={codeText(immunization.vaccineCode) || 'this immunization'}
                />
              </Table.Td>
            )}
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
