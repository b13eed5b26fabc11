import { Group, Stack, Table, TextInput } from '@mantine/core';
import type { Procedure } from '@medplum/fhirtypes';
import { useState } from 'react';
import { formatFhirDateTime } from '../format/dates';
import { codesText, codeText, periodText } from './clinical-display';
import type { NewProcedure } from './clinical-lists-api';
import { EnteredInErrorButton } from './EnteredInErrorButton';
import { DateField, ListForm, useFormErrors } from './list-form';
import { today } from './list-options';
import { AddButton, ListTable, PanelHeader, StatusBadge, useCanChart } from './list-ui';
import { useClinicalList, useClinicalListsApi, useListChange } from './useClinicalLists';

type Field = 'code' | 'performed';
const FIELDS: readonly Field[] = ['code', 'performed'];

function AddProcedureForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const api = useClinicalListsApi();
  const [text, setText] = useState('');
  const [performed, setPerformed] = useState(today());
  const { errors, unplaced, submit } = useFormErrors(FIELDS);
  const add = useListChange('procedures', patientId, (input: NewProcedure) => api.addProcedure(patientId, input));
  const onSubmit = async () => {
    const checks = { code: text.trim() ? undefined : 'Describe the procedure' };
    const input: NewProcedure = { code: text.trim(), ...(performed ? { performed } : {}) };
    if (await submit(checks, () => add.mutateAsync(input))) onDone();
  };
  return (
    <ListForm
      title="Record a procedure"
      failed="The procedure was not recorded"
      submitLabel="Record procedure"
      pending={add.isPending}
      unplaced={unplaced}
      onSubmit={onSubmit}
      onCancel={onDone}
    >
      <Group align="flex-start" grow wrap="wrap">
        <TextInput
          label="Procedure"
          required
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          error={errors.code}
          autoComplete="off"
        />
        <DateField label="Performed on" value={performed} onChange={setPerformed} error={errors.performed} />
      </Group>
    </ListForm>
  );
}

/** The Procedures tab: procedures done or planned, recording one, marking one entered in error. */
export function ProceduresPanel({ patientId }: { patientId: string }) {
  const canEdit = useCanChart();
  const [adding, setAdding] = useState(false);
  const list = useClinicalList('procedures', patientId);
  return (
    <Stack gap="md">
      <PanelHeader
        title="Procedures"
        actions={canEdit && !adding && <AddButton onClick={() => setAdding(true)}>Record procedure</AddButton>}
      />
      {adding && <AddProcedureForm patientId={patientId} onDone={() => setAdding(false)} />}
      <ListTable<Procedure>
        label="Procedures"
        query={list}
        rows={list.data?.items}
        empty="No procedures recorded"
        headers={['Procedure', 'Status', 'Performed', 'Reason', ...(canEdit ? ['Actions'] : [])]}
        row={(procedure) => (
          <Table.Tr key={procedure.id}>
            <Table.Td fw={600}>{codeText(procedure.code) || '—'}</Table.Td>
            <Table.Td>
              <StatusBadge value={procedure.status} />
            </Table.Td>
            <Table.Td>
              {formatFhirDateTime(procedure.performedDateTime) ||
                periodText(procedure.performedPeriod) ||
                procedure.performedString ||
                '—'}
            </Table.Td>
            <Table.Td>{codesText(procedure.reasonCode) || '—'}</Table.Td>
            {canEdit && (
              <Table.Td>
                <EnteredInErrorButton
                  list="procedures"
                  patientId={patientId}
                  id={procedure.id!}
                  name={codeText(procedure.code) || 'this procedure'}
                />
              </Table.Td>
            )}
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
