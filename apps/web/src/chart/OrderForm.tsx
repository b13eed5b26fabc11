import { Button, Checkbox, Group, SegmentedControl, Select, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { isApiError } from '../api/api-error';
import { ErrorAlert } from '../shared/ErrorAlert';
import { CodeTypeahead } from './CodeTypeahead';
import { FORM_STYLE, FormBox } from './list-ui';
import {
  BODY_PARTS,
  buildOrder,
  COMMON_LAB_TESTS,
  EMPTY_ORDER_FORM,
  MODALITIES,
  type OrderFormField,
  type OrderFormValues,
  orderFieldOf,
  SPECIMENS,
} from './order-form';
import type { NewOrder } from './orders-api';
import { PRIORITY_LABELS } from './results-display';
import { useOrdersApi } from './useClinicalLists';

const PRIORITIES = Object.entries(PRIORITY_LABELS).map(([value, label]) => ({ value, label }));

/** Orders a lab test (LOINC type-ahead, specimen) or an imaging study (modality, body part, laterality). */
export function OrderForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const api = useOrdersApi();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<OrderFormValues>(EMPTY_ORDER_FORM);
  const [testText, setTestText] = useState('');
  const [errors, setErrors] = useState<Partial<Record<OrderFormField, string>>>({});
  const create = useMutation({
    mutationFn: (order: NewOrder) => api.create(patientId, order),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['orders', patientId] }),
  });
  const set = <K extends keyof OrderFormValues>(key: K, value: OrderFormValues[K]) =>
    setValues((current) => ({ ...current, [key]: value }));

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const built = buildOrder(values);
    if (built.errors) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    try {
      await create.mutateAsync(built.order);
      onDone();
    } catch (error) {
      const field = isApiError(error) ? orderFieldOf(error.details.path as string | undefined) : undefined;
      if (field) setErrors({ [field]: (error as Error).message });
    }
  };
  const unplaced = create.isError && !(isApiError(create.error) && orderFieldOf(create.error.details.path as string));

  return (
    <FormBox title="New order">
      <form onSubmit={submit} aria-label="New order" noValidate style={FORM_STYLE}>
        <Stack gap="sm">
          {unplaced && <ErrorAlert title="The order was not placed" error={create.error} />}
          <SegmentedControl
            aria-label="Kind of order"
            value={values.kind}
            onChange={(kind) => {
              setValues({ ...EMPTY_ORDER_FORM, kind: kind as OrderFormValues['kind'] });
              setTestText('');
              setErrors({});
            }}
            data={[
              { value: 'lab', label: 'Lab test' },
              { value: 'imaging', label: 'Imaging' },
            ]}
            w="fit-content"
          />
          {values.kind === 'lab' ? (
            <Group align="flex-start" grow wrap="wrap">
              <CodeTypeahead
                label="Test"
                system="loinc"
                description="Search LOINC by name or code (e.g. CBC, potassium)"
                value={testText}
                onChange={(text, concept) => {
                  setTestText(text);
                  setValues((current) => ({
                    ...current,
                    testCode: concept?.code ?? '',
                    testDisplay: concept?.display ?? '',
                  }));
                }}
                fallback={COMMON_LAB_TESTS}
                error={errors.testCode}
                required
              />
              <Select
                label="Specimen"
                data={SPECIMENS}
                value={values.specimen}
                onChange={(value) => set('specimen', value ?? '')}
                error={errors.specimen}
                maw={220}
              />
            </Group>
          ) : (
            <Group align="flex-start" grow wrap="wrap">
              <Select
                label="Modality"
                data={MODALITIES}
                value={values.modality || null}
                onChange={(value) => set('modality', value ?? '')}
                error={errors.modality}
                required
              />
              <Select
                label="Body part"
                data={BODY_PARTS}
                value={values.bodyPart || null}
                onChange={(value) => set('bodyPart', value ?? '')}
                error={errors.bodyPart}
                searchable
                required
              />
              <Select
                label="Laterality"
                data={[
                  { value: 'left', label: 'Left' },
                  { value: 'right', label: 'Right' },
                  { value: 'bilateral', label: 'Both sides' },
                ]}
                value={values.laterality || null}
                onChange={(value) => set('laterality', (value ?? '') as OrderFormValues['laterality'])}
                error={errors.laterality}
                clearable
              />
            </Group>
          )}
          <Group align="flex-start" grow wrap="wrap">
            <Select
              label="Priority"
              data={PRIORITIES}
              value={values.priority}
              onChange={(value) => set('priority', (value ?? 'routine') as OrderFormValues['priority'])}
              error={errors.priority}
              allowDeselect={false}
              maw={200}
            />
            <TextInput
              label="Reason"
              description="Why it is ordered (optional)"
              value={values.reason}
              onChange={(event) => set('reason', event.currentTarget.value)}
              error={errors.reason}
              autoComplete="off"
            />
          </Group>
          <Checkbox
            label="Place the order now (otherwise it is saved as a draft)"
            checked={values.activate}
            onChange={(event) => set('activate', event.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onDone}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              {values.activate ? 'Place order' : 'Save draft'}
            </Button>
          </Group>
        </Stack>
      </form>
    </FormBox>
  );
}
