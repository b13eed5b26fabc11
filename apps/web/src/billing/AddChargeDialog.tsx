import { Button, Group, Modal, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { notifyDone } from '../admin/notify';
import { isApiError } from '../api/api-error';
import { formatFhirDate } from '../format/dates';
import { ErrorAlert } from '../shared/ErrorAlert';
import { catalogService } from './billing-display';
import { fieldOfError, splitCodes } from './charge-form';
import { formatMoney } from './money';
import { useBillingApi, useCatalog, useRefreshAccount } from './useBilling';

/** Adds a charge for a service of the catalog, priced by the server from the self-pay list. */
export function AddChargeDialog({
  patient,
  encounters,
  onClose,
}: {
  patient: string;
  encounters: { id: string; date: string | undefined }[];
  onClose: () => void;
}) {
  const billing = useBillingApi();
  const refresh = useRefreshAccount(patient);
  const catalog = useCatalog();
  const [service, setService] = useState<string | null>(null);
  const [encounter, setEncounter] = useState<string | null>(encounters[0]?.id ?? null);
  const [quantity, setQuantity] = useState<number | string>(1);
  const [diagnoses, setDiagnoses] = useState('');
  const [modifiers, setModifiers] = useState('');
  const [missing, setMissing] = useState<string | undefined>();
  const add = useMutation({
    mutationFn: () =>
      billing.addCharge({
        patient,
        ...(encounter ? { encounter } : {}),
        service: service!,
        quantity: Number(quantity),
        diagnoses: splitCodes(diagnoses),
        modifiers: splitCodes(modifiers),
      }),
    onSuccess: async () => {
      await refresh();
      notifyDone('Charge added', 'The charge is billable.');
      onClose();
    },
  });
  const field = fieldOfError(add.error);
  const message = isApiError(add.error) ? add.error.message : undefined;
  const services = (catalog.data ?? []).map(catalogService).filter((entry) => entry.status === 'active');

  return (
    <Modal opened onClose={onClose} title="Add a charge" size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!service) {
            setMissing('Choose a service');
            return;
          }
          setMissing(undefined);
          add.mutate();
        }}
      >
        <Stack>
          {catalog.isError && <ErrorAlert title="Could not load the service catalog" error={catalog.error} />}
          <Select
            label="Service"
            required
            searchable
            placeholder={catalog.isPending ? 'Loading the catalog…' : 'Code or name'}
            data={services.map((entry) => ({
              value: entry.id,
              label: `${entry.code} ${entry.title}${entry.price !== undefined ? ` (${formatMoney(entry.price, entry.currency)})` : ''}`,
            }))}
            value={service}
            onChange={setService}
            error={missing ?? (field === 'service' ? message : undefined)}
            nothingFoundMessage="No service matches"
          />
          <Select
            label="Visit"
            placeholder="No visit"
            clearable
            data={encounters.map((visit) => ({
              value: visit.id,
              label: `Visit of ${visit.date ? formatFhirDate(visit.date.slice(0, 10)) : 'unknown date'}`,
            }))}
            value={encounter}
            onChange={setEncounter}
            error={field === 'encounter' ? message : undefined}
          />
          <NumberInput
            label="Quantity"
            min={0.001}
            decimalScale={3}
            value={quantity}
            onChange={setQuantity}
            error={field === 'quantity' ? message : undefined}
          />
          <TextInput
            label="Diagnoses (ICD-10-CM)"
            description="Separated by commas, e.g. J20.9, R05.9"
            value={diagnoses}
            onChange={(event) => setDiagnoses(event.currentTarget.value)}
            error={field === 'diagnoses' ? message : undefined}
          />
          <TextInput
            label="Modifiers"
            description="Two characters each, e.g. 25"
            value={modifiers}
            onChange={(event) => setModifiers(event.currentTarget.value)}
            error={field === 'modifiers' ? message : undefined}
          />
          {add.isError && !field && <ErrorAlert title="Could not add the charge" error={add.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={add.isPending}>
              Add charge
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
