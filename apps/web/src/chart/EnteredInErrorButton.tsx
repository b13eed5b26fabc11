import { Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import { FORM_STYLE } from './list-ui';
import { useClinicalListsApi, useListChange } from './useClinicalLists';

/**
 * Marks one entry of a list entered in error, with the reason asked for first: it leaves the list and
 * stays in the record's history. The server refuses it for anything already so.
 */
export function EnteredInErrorButton({
  list,
  patientId,
  id,
  name,
  onDone,
}: {
  list: 'problems' | 'allergies' | 'immunizations' | 'procedures' | 'assessments';
  patientId: string;
  id: string;
  /** What the entry is called in the list, for the button's and the dialog's names. */
  name: string;
  onDone?: () => void;
}) {
  const api = useClinicalListsApi();
  const [opened, setOpened] = useState(false);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const mark = useListChange(list, patientId, (why: string) => api.enteredInError(patientId, list, id, why));
  const close = () => {
    setOpened(false);
    setReason('');
    setMissing(false);
    mark.reset();
  };
  const confirm = async () => {
    if (!reason.trim()) {
      setMissing(true);
      return;
    }
    try {
      await mark.mutateAsync(reason.trim());
      close();
      onDone?.();
    } catch {
      // Shown in the dialog from the mutation's error.
    }
  };
  return (
    <>
      <Button
        size="compact-xs"
        variant="outline"
        color="red.9"
        onClick={() => setOpened(true)}
        aria-label={`Mark ${name} as entered in error`}
      >
        Entered in error
      </Button>
      <Modal
        opened={opened}
        onClose={close}
        title={`Mark ${name} as entered in error`}
        closeButtonProps={{ 'aria-label': 'Close' }}
        centered
      >
        <Stack gap="md" style={FORM_STYLE}>
          <Text size="sm">It leaves the list and stays in the record's history. This cannot be undone.</Text>
          <Textarea
            label="Reason"
            required
            autosize
            minRows={2}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={missing ? 'Say why, e.g. recorded on the wrong chart' : undefined}
            data-autofocus
          />
          {mark.isError && <ErrorAlert title="It was not marked" error={mark.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button color="red.9" loading={mark.isPending} onClick={() => void confirm()}>
              Mark entered in error
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
