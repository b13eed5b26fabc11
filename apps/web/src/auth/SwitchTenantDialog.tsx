import { Button, Group, Loader, Modal, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { ErrorAlert } from '../shared/ErrorAlert';
import { lockoutMessage } from './auth-api';
import type { TenantSwitchFlow } from './useTenantSwitch';

/**
 * What a tenant switch shows while it runs: the organisation being opened, the authenticator code when
 * the account has two-step verification, and why it failed when it does. Covers the screen meanwhile, so
 * nothing can be done in the organisation being left.
 */
export function SwitchTenantDialog({ flow }: { flow: TenantSwitchFlow }) {
  const { target, needsCode, busy, error } = flow;
  const [code, setCode] = useState('');
  const name = target?.name ?? '';
  // A refused code is cleared for the next one.
  useEffect(() => {
    if (error) setCode('');
  }, [error]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    flow.submitCode(code);
  };
  const locked = lockoutMessage(error);

  return (
    <Modal
      opened={!!target}
      onClose={flow.cancel}
      title={`Switch to ${name}`}
      closeButtonProps={{ 'aria-label': 'Close', disabled: busy }}
      closeOnClickOutside={!busy}
      closeOnEscape={!busy}
      centered
    >
      {needsCode ? (
        <form onSubmit={submit} noValidate aria-label={`Verify to open ${name}`}>
          <Stack gap="md">
            <Text size="sm">
              Your account uses two-step verification. Enter the 6-digit code from your authenticator app to open {name}
              .
            </Text>
            {error !== undefined && <ErrorAlert title="Code not accepted" error={locked ? new Error(locked) : error} />}
            <TextInput
              label="Verification code"
              value={code}
              onChange={(event) => setCode(event.currentTarget.value)}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={7}
              required
              data-autofocus
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={flow.cancel} disabled={busy}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} disabled={code.replace(/\s/g, '').length !== 6}>
                Verify and switch
              </Button>
            </Group>
          </Stack>
        </form>
      ) : error !== undefined ? (
        <Stack gap="md">
          <ErrorAlert title="Could not switch organisation" error={locked ? new Error(locked) : error} />
          <Text size="sm">You are still working in your current organisation.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={flow.cancel}>
              Close
            </Button>
            {target && !locked && (
              <Button onClick={() => flow.start(target)} loading={busy}>
                Try again
              </Button>
            )}
          </Group>
        </Stack>
      ) : (
        <Group gap="sm" wrap="nowrap" role="status">
          <Loader size="sm" aria-hidden />
          <Text>Opening {name}…</Text>
        </Group>
      )}
    </Modal>
  );
}
