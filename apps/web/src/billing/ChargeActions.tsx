import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { notifyDone } from '../admin/notify';
import { isApiError } from '../api/api-error';
import { ErrorAlert } from '../shared/ErrorAlert';
import type { ChargeLine } from './billing-display';
import { useBillingApi, useRefreshAccount } from './useBilling';

/** Confirm a provisional charge (the visit took place) or void one not yet invoiced, with a reason. */
export function ChargeActions({ patient, line }: { patient: string; line: ChargeLine }) {
  const billing = useBillingApi();
  const refresh = useRefreshAccount(patient);
  const [voiding, setVoiding] = useState(false);
  const confirm = useMutation({
    mutationFn: () => billing.confirmCharge(line.id),
    onSuccess: async () => {
      await refresh();
      notifyDone('Charge confirmed', `${line.code} is billable.`);
    },
  });
  if (line.status.tone !== 'provisional' && line.status.tone !== 'billable') return null;
  return (
    <Group gap="xs" wrap="nowrap">
      {line.status.tone === 'provisional' && (
        <Button
          size="compact-xs"
          variant="filled"
          loading={confirm.isPending}
          onClick={() => confirm.mutate()}
          aria-label={`Confirm charge ${line.code}`}
        >
          Confirm
        </Button>
      )}
      <Button
        size="compact-xs"
        variant="outline"
        color="red.9"
        onClick={() => setVoiding(true)}
        aria-label={`Void charge ${line.code}`}
      >
        Void
      </Button>
      {confirm.isError && (
        <Text size="xs" c="red.9" role="alert">
          {isApiError(confirm.error) ? confirm.error.message : 'Could not confirm'}
        </Text>
      )}
      {voiding && <VoidDialog patient={patient} line={line} onClose={() => setVoiding(false)} />}
    </Group>
  );
}

function VoidDialog({ patient, line, onClose }: { patient: string; line: ChargeLine; onClose: () => void }) {
  const billing = useBillingApi();
  const refresh = useRefreshAccount(patient);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState<string | undefined>();
  const voided = useMutation({
    mutationFn: () => billing.voidCharge(line.id, reason.trim()),
    onSuccess: async () => {
      await refresh();
      notifyDone('Charge voided', `${line.code} will not be invoiced.`);
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Void charge ${line.code}`} closeButtonProps={{ 'aria-label': 'Close' }}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!reason.trim()) {
            setMissing('Give a reason');
            return;
          }
          setMissing(undefined);
          voided.mutate();
        }}
      >
        <Stack>
          <Text size="sm">
            {line.code} {line.description}: the charge is reversed in the ledger and will not be invoiced.
          </Text>
          <TextInput
            label="Reason"
            required
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={missing}
            data-autofocus
          />
          {voided.isError && <ErrorAlert title="Could not void the charge" error={voided.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red.9" loading={voided.isPending}>
              Void charge
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
