import { Alert, Button, Checkbox, Code, CopyButton, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { isApiError } from '../api/api-error';
import { ErrorAlert } from '../shared/ErrorAlert';
import { type CreatedUser, SERVER_ROLE_LABELS, SERVER_ROLES, type ServerRole, type TenantUser } from './users-api';
import { useUserActions } from './useUsers';

/** Roles an admin may hand out: super admin only by a super admin. */
function grantableRoles(isSuperAdmin: boolean): ServerRole[] {
  return SERVER_ROLES.filter((role) => isSuperAdmin || role !== 'super_admin');
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Adds a person to the tenant with one role; a generated first password is shown once. */
export function CreateUserDialog({
  opened,
  onClose,
  tenantId,
  isSuperAdmin,
}: {
  opened: boolean;
  onClose: () => void;
  tenantId: string;
  isSuperAdmin: boolean;
}) {
  const { create } = useUserActions();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<ServerRole | null>(null);
  const [touched, setTouched] = useState(false);
  const [created, setCreated] = useState<CreatedUser | undefined>();

  useEffect(() => {
    if (!opened) {
      setEmail('');
      setName('');
      setRole(null);
      setTouched(false);
      setCreated(undefined);
      create.reset();
    }
  }, [opened, create.reset]);

  const emailError = touched && !EMAIL.test(email.trim()) ? 'Enter an email address' : undefined;
  const roleError = touched && !role ? 'Choose a role' : undefined;
  const serverError = create.error;
  const fieldError = isApiError(serverError) && serverError.details.path === 'email' ? serverError.message : undefined;

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!EMAIL.test(email.trim()) || !role) return;
    create.mutate(
      { tenant: tenantId, email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}) },
      { onSuccess: setCreated },
    );
  };

  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={opened}
      onClose={onClose}
      title={created ? 'User added' : 'Add a user'}
      centered
    >
      {created ? (
        <Stack gap="md">
          {created.existing ? (
            <Text size="sm">
              {created.email} already had an account; they now also have the role{' '}
              <strong>{SERVER_ROLE_LABELS[created.role]}</strong> here.
            </Text>
          ) : (
            <>
              <Text size="sm">
                {created.email} can now sign in as <strong>{SERVER_ROLE_LABELS[created.role]}</strong>.
              </Text>
              {created.password && (
                <Alert color="yellow" variant="light" title="First password, shown only now">
                  <Stack gap="xs">
                    <Group gap="xs">
                      <Code fz="md" data-testid="first-password">
                        {created.password}
                      </Code>
                      <CopyButton value={created.password}>
                        {({ copied, copy }) => (
                          <Button size="xs" variant="default" onClick={copy}>
                            {copied ? 'Copied' : 'Copy'}
                          </Button>
                        )}
                      </CopyButton>
                    </Group>
                    <Text size="sm">Give it to them in person; they must choose their own at first sign-in.</Text>
                  </Stack>
                </Alert>
              )}
            </>
          )}
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <TextInput
              label="Email"
              type="email"
              required
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              error={emailError ?? fieldError}
              autoComplete="off"
              data-autofocus
            />
            <TextInput
              label="Name"
              description="As colleagues will see it; the email when left empty"
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              autoComplete="off"
            />
            <Select
              label="Role"
              required
              placeholder="Choose a role"
              data={grantableRoles(isSuperAdmin).map((value) => ({ value, label: SERVER_ROLE_LABELS[value] }))}
              value={role}
              onChange={(value) => setRole(value as ServerRole | null)}
              error={roleError}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
            />
            {serverError && !fieldError ? <ErrorAlert title="The user was not added" error={serverError} /> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Add user
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** Sets a user's roles in the tenant. Removing a role ends their current sign-ins, so it says so. */
export function EditRolesDialog({
  user,
  onClose,
  isSuperAdmin,
}: {
  user: TenantUser | undefined;
  onClose: () => void;
  isSuperAdmin: boolean;
}) {
  const { setRoles } = useUserActions();
  const [roles, setSelected] = useState<string[]>([]);
  useEffect(() => {
    setSelected(user?.roles ?? []);
    setRoles.reset();
  }, [user, setRoles.reset]);

  const choices = grantableRoles(isSuperAdmin || !!user?.roles.includes('super_admin'));
  const removed = user?.roles.filter((role) => !roles.includes(role)) ?? [];
  const save = () => {
    if (!user || roles.length === 0) return;
    setRoles.mutate({ id: user.id, roles: roles as ServerRole[] }, { onSuccess: onClose });
  };

  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={!!user}
      onClose={onClose}
      title={user ? `Roles of ${user.name}` : 'Roles'}
      centered
    >
      <Stack gap="md">
        <Checkbox.Group
          label="Roles in this tenant"
          description="What they may see and do"
          value={roles}
          onChange={setSelected}
          error={roles.length === 0 ? 'Keep at least one role' : undefined}
        >
          <Stack gap="xs" mt="xs">
            {choices.map((role) => (
              <Checkbox
                key={role}
                value={role}
                label={SERVER_ROLE_LABELS[role]}
                disabled={role === 'super_admin' && !isSuperAdmin}
              />
            ))}
          </Stack>
        </Checkbox.Group>
        {removed.length > 0 && (
          <Text size="sm" c="orange.9">
            Taking a role away signs them out everywhere at once.
          </Text>
        )}
        {setRoles.error ? <ErrorAlert title="The roles were not changed" error={setRoles.error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={save} loading={setRoles.isPending} disabled={roles.length === 0}>
            Save roles
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
