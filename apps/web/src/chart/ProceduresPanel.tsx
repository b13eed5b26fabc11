import { Button, Group, Stack, Table, TextInput } from '@mantine/core';
import type { Procedure } from '@medplum/fhirtypes';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { formatFhirDateTime } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import { codesText, codeText, periodText } from './clinical-display';
import type { NewProcedure } from './clinical-lists-api';
import { errorField, FORM_STYLE, FormBox, ListTable, PanelHeader, StatusBadge, useCanChart } from './list-ui';
import { useClinicalList, useClinicalListsApi, useListChange } from './useClinicalLists';

type Field = 'code' | 'performed';
const FIELDS: readonly Field[] = ['code', 'performed'];

function AddProcedureForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const api = useClinicalListsApi();
  const [text, setText] = useState('');
  const [performed, setPerformed] = useState(new Date().toISOString().slice(0, 10));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const add = useListChange('procedures', patientId, (input: NewProcedure) => api.addProcedure(patientId, input));
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!text.trim()) {
      setErrors({ code: 'Describe the procedure' });
      return;
    }
    setErrors({});
    try {
      await add.mutateAsync({ code: text.trim(), ...(performed ? { performed } : {}) });
      onDone();
    } catch (error) {
      const field = errorField(error, FIELDS);
      if (field) setErrors({ [field]: (error as Error).message });
    }
  };
  return (
    <FormBox title="Record a procedure">
      <form onSubmit={submit} aria-label="Record a procedure" noValidate style={FORM_STYLE}>
        <Stack gap="sm">
          {add.isError && !errorField(add.error, FIELDS) && (
            <ErrorAlert title="The procedure was not recorded" error={add.error} />
          )}
          <Group align="flex-start" grow wrap="wrap">
            <TextInput
              label="Procedure"
              required
              value={text}
              onChange={(event) => setText(event.currentTarget.value)}
              error={errors.code}
              autoComplete="off"
            />
            <TextInput
              label="Performed on"
              type="date"
              value={performed}
              onChange={(event) => setPerformed(event.currentTarget.value)}
              error={errors.performed}
              maw={200}
            />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
            <Button type="submit" loading={add.isPending}>
              Record procedure
            </Button>
          </Group>
        </Stack>
      </form>
    </FormBox>
  );
}

/** The Procedures tab: procedures done or planned, recording one. */
export function ProceduresPanel({ patientId }: { patientId: string }) {
  const canEdit = useCanChart();
  const [adding, setAdding] = useState(false);
  const list = useClinicalList('procedures', patientId);
  return (
    <Stack gap="md">
      <PanelHeader
        title="Procedures"
        actions={
          canEdit &&
          !adding && (
            <Button size="xs" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setAdding(true)}>
              Record procedure
            </Button>
          )
        }
      />
      {adding && <AddProcedureForm patientId={patientId} onDone={() => setAdding(false)} />}
      <ListTable<Procedure>
        label="Procedures"
        query={list}
        rows={list.data?.items}
        empty="No procedures recorded"
        headers={['Procedure', 'Status', 'Performed', 'Reason']}
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
          </Table.Tr>
        )}
      />
    </Stack>
  );
}
