import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  Radio,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { IconApps, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { isApiError } from '../api/api-error';
import { useApi } from '../api/useApi';
import { SCREEN_ROLES } from '../app/navigation';
import { RequireRole } from '../auth/RequireRole';
import { formatFhirDateTime } from '../format/dates';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { TableSkeleton } from '../shared/TableSkeleton';
import { ConfirmDialog } from './ConfirmDialog';
import { notifyDone } from './notify';
import { registrationBody, SMART_APP_TYPES, type SmartApp, type SmartAppType, smartAppsApi } from './smart-apps-api';

export function SmartAppsPage() {
  return (
    <RequireRole roles={SCREEN_ROLES.smartApps} what="SMART apps">
      <SmartApps />
    </RequireRole>
  );
}

const QUERY_KEY = ['smart', 'clients'];

function useSmartApps() {
  const { http } = useApi();
  const api = useMemo(() => smartAppsApi(http), [http]);
  const queryClient = useQueryClient();
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: QUERY_KEY });
  return {
    apps: useQuery({ queryKey: QUERY_KEY, queryFn: ({ signal }) => api.list(signal) }),
    register: useMutation({ mutationFn: api.register, onSuccess }),
    remove: useMutation({ mutationFn: api.remove, onSuccess }),
  };
}

function typeLabel(type: SmartAppType): string {
  return SMART_APP_TYPES.find((option) => option.value === type)?.label ?? type;
}

function SmartApps() {
  const { apps, register, remove } = useSmartApps();
  const [registering, setRegistering] = useState(false);
  const [removing, setRemoving] = useState<SmartApp | undefined>();
  const rows = apps.data ?? [];

  return (
    <>
      <PageHeader
        title="SMART apps"
        description="Apps and services that reach this tenant’s records through SMART on FHIR. Removing one ends its tokens at once."
        actions={
          <Button leftSection={<IconApps size={16} aria-hidden />} onClick={() => setRegistering(true)}>
            Register app
          </Button>
        }
      />
      <Stack gap="md">
        {apps.isError && (
          <ErrorAlert title="Apps could not be listed" error={apps.error} onRetry={() => apps.refetch()} />
        )}
        <Paper withBorder radius="md">
          {apps.isPending ? (
            <TableSkeleton rows={3} label="Loading apps" />
          ) : rows.length === 0 ? (
            <EmptyState title="No apps registered">Register an app to let it sign in with SMART on FHIR.</EmptyState>
          ) : (
            <Table.ScrollContainer minWidth={820}>
              <Table striped aria-label="SMART apps">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>App</Table.Th>
                    <Table.Th>Kind</Table.Th>
                    <Table.Th>Scopes</Table.Th>
                    <Table.Th>Registered</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((app) => (
                    <Table.Tr key={app.client_id}>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {app.name}
                        </Text>
                        <Text size="xs" c="dimmed" ff="monospace">
                          {app.client_id}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="outline" color="blue.9" tt="none">
                          {typeLabel(app.type)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" ff="monospace" maw={340} style={{ wordBreak: 'break-word' }}>
                          {app.scope}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatFhirDateTime(app.created_at)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label="Remove app">
                          <ActionIcon
                            variant="subtle"
                            color="red.8"
                            aria-label={`Remove ${app.name}`}
                            onClick={() => {
                              remove.reset();
                              setRemoving(app);
                            }}
                          >
                            <IconTrash size={16} aria-hidden />
                          </ActionIcon>
                        </Tooltip>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      </Stack>
      <RegisterAppDialog opened={registering} onClose={() => setRegistering(false)} register={register} />
      <ConfirmDialog
        opened={!!removing}
        title="Remove app"
        confirmLabel="Remove app"
        danger
        pending={remove.isPending}
        error={remove.error}
        onClose={() => setRemoving(undefined)}
        onConfirm={() =>
          removing &&
          remove.mutate(removing.client_id, {
            onSuccess: () => {
              notifyDone(removing.name, 'Removed; its tokens no longer work');
              setRemoving(undefined);
            },
          })
        }
      >
        {removing?.name} will no longer be able to sign in, and every token it holds stops working now.
      </ConfirmDialog>
    </>
  );
}

function RegisterAppDialog({
  opened,
  onClose,
  register,
}: {
  opened: boolean;
  onClose: () => void;
  register: ReturnType<typeof useSmartApps>['register'];
}) {
  const [form, setForm] = useState({
    name: '',
    type: 'public' as SmartAppType,
    redirectUris: '',
    launchUri: '',
    scope: '',
    jwksUri: '',
    jwks: '',
  });
  const [touched, setTouched] = useState(false);
  const [registered, setRegistered] = useState<SmartApp | undefined>();

  useEffect(() => {
    if (!opened) {
      setForm({ name: '', type: 'public', redirectUris: '', launchUri: '', scope: '', jwksUri: '', jwks: '' });
      setTouched(false);
      setRegistered(undefined);
      register.reset();
    }
  }, [opened, register.reset]);

  const { problems } = touched ? registrationBody(form) : { problems: {} };
  const serverPath = isApiError(register.error) ? String(register.error.details.path ?? '') : '';
  const serverProblem = (field: string) =>
    serverPath.startsWith(field) && isApiError(register.error) ? register.error.message : undefined;
  const set = (field: keyof typeof form) => (event: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
    setForm({ ...form, [field]: event.currentTarget.value });

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setTouched(true);
    const { body } = registrationBody(form);
    if (body) register.mutate(body, { onSuccess: setRegistered });
  };

  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={opened}
      onClose={onClose}
      title={registered ? 'App registered' : 'Register a SMART app'}
      size="lg"
      centered
    >
      {registered ? (
        <Stack gap="md">
          <Text size="sm">
            <strong>{registered.name}</strong> can now sign in with the client id below.
          </Text>
          <Group gap="xs">
            <Text size="sm">Client id:</Text>
            <Code>{registered.client_id}</Code>
          </Group>
          {registered.client_secret && (
            <Alert color="yellow" variant="light" title="Copy the client secret now">
              <Stack gap="xs" align="flex-start">
                <Text size="sm">It is shown only this once. Keep it in the app’s secret store.</Text>
                <Code block>{registered.client_secret}</Code>
                <CopyButton value={registered.client_secret}>
                  {({ copied, copy }) => (
                    <Button size="xs" variant="default" onClick={copy}>
                      {copied ? 'Copied' : 'Copy secret'}
                    </Button>
                  )}
                </CopyButton>
              </Stack>
            </Alert>
          )}
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <TextInput
              label="Name"
              value={form.name}
              onChange={set('name')}
              error={problems.name ?? serverProblem('name')}
              required
              data-autofocus
            />
            <Radio.Group
              label="Kind of app"
              value={form.type}
              onChange={(value) => setForm({ ...form, type: value as SmartAppType })}
            >
              <Stack gap="xs" mt="xs">
                {SMART_APP_TYPES.map((option) => (
                  <Radio
                    key={option.value}
                    value={option.value}
                    label={option.label}
                    description={option.description}
                  />
                ))}
              </Stack>
            </Radio.Group>
            {form.type !== 'backend' && (
              <>
                <Textarea
                  label="Redirect URIs"
                  description="One per line; https, or http on this machine (127.0.0.1) for development"
                  value={form.redirectUris}
                  onChange={set('redirectUris')}
                  error={problems.redirect_uris ?? serverProblem('redirect_uris')}
                  autosize
                  minRows={2}
                  required
                />
                <TextInput
                  label="Launch URL (EHR launch)"
                  value={form.launchUri}
                  onChange={set('launchUri')}
                  error={serverProblem('launch_uri')}
                />
              </>
            )}
            <TextInput
              label="Scopes"
              description="Leave empty for the defaults of this kind of app"
              placeholder={form.type === 'backend' ? 'system/*.rs' : 'launch openid fhirUser patient/*.rs'}
              value={form.scope}
              onChange={set('scope')}
              error={serverProblem('scope')}
            />
            {form.type !== 'public' && (
              <>
                <TextInput
                  label="JWKS URL"
                  description="Where the app publishes its public keys (private_key_jwt)"
                  value={form.jwksUri}
                  onChange={set('jwksUri')}
                  error={serverProblem('jwks_uri')}
                />
                <Textarea
                  label="Public key set (JWKS)"
                  description={
                    form.type === 'backend'
                      ? 'Or paste the key set here'
                      : 'Optional: with keys, the app needs no client secret'
                  }
                  value={form.jwks}
                  onChange={set('jwks')}
                  error={problems.jwks ?? serverProblem('jwks')}
                  autosize
                  minRows={2}
                  ff="monospace"
                />
              </>
            )}
            {register.error && !serverPath ? (
              <ErrorAlert title="The app was not registered" error={register.error} />
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={register.isPending}>
                Register app
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
