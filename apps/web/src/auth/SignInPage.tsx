import { Alert, Button, Center, Paper, PasswordInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { isApiError } from '../api/api-error';
import { Logo } from '../app/Logo';
import { ErrorAlert } from '../shared/ErrorAlert';
import { Redirect } from '../shared/Redirect';
import { useDocumentTitle } from '../shared/useDocumentTitle';
import { SESSION_QUERY_KEY } from './AuthProvider';
import { lockoutMessage, signInUnavailable, type TenantChoice } from './auth-api';
import { useAuth } from './useAuth';

type Step = 'credentials' | 'totp' | 'tenant' | 'new-password';

const TITLES: Record<Step, { title: string; help: string }> = {
  credentials: { title: 'Sign in to Meridian', help: 'Use the email and password of your Meridian account.' },
  totp: { title: 'Two-step verification', help: 'Enter the 6-digit code from your authenticator app.' },
  tenant: { title: 'Choose where to work', help: 'Your account belongs to several organisations.' },
  'new-password': {
    title: 'Choose a new password',
    help: 'Your password was set by an administrator. Choose your own before you continue.',
  },
};

/**
 * Email and password, then a TOTP code or a tenant choice when the server asks, then a new password when
 * one is owed. Without a sign-in API on the server, offers the development user instead.
 */
export function SignInPage() {
  const { session, signIn, changePassword } = useAuth();
  const search = useSearch({ from: '/sign-in' });
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<Step>('credentials');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [tenant, setTenant] = useState<string | null>(null);
  const [tenants, setTenants] = useState<TenantChoice[]>([]);
  const [newPassword, setNewPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useDocumentTitle(TITLES[step].title);
  const destination = search.redirect ?? '/';

  if (session.status === 'signed-in' && session.mode === 'server' && step !== 'new-password') {
    return <Redirect href={destination} />;
  }

  const attemptSignIn = async () => {
    const result = await signIn({
      email: email.trim(),
      password,
      ...(tenant ? { tenant } : {}),
      ...(step === 'totp' ? { totp: totp.replace(/\s/g, '') } : {}),
    });
    if (result.status === 'mfa-required') {
      setStep('totp');
      return;
    }
    if (result.status === 'tenant-choice') {
      setTenants(result.tenants);
      setStep('tenant');
      return;
    }
    if (result.passwordChangeRequired) {
      setStep('new-password');
      return;
    }
    await navigate({ to: destination, replace: true });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (step === 'new-password') {
        await changePassword(password, newPassword);
        await navigate({ to: destination, replace: true });
      } else {
        await attemptSignIn();
      }
    } catch (caught) {
      setError(caught);
      if (isApiError(caught) && caught.code === 'AUTH_MFA_INVALID') setTotp('');
    } finally {
      setBusy(false);
    }
  };

  const continueAsDeveloper = async () => {
    await queryClient.invalidateQueries({ queryKey: SESSION_QUERY_KEY });
    await navigate({ to: destination, replace: true });
  };
  const unavailable =
    signInUnavailable(error) ||
    (session.status === 'signed-out' && session.signInUnavailable === true) ||
    (session.status === 'signed-in' && session.mode === 'development');
  const expired = session.status === 'signed-out' && session.expired && step === 'credentials' && !error;
  const locked = lockoutMessage(error);

  return (
    <Center mih="100vh" bg="gray.0" p="md" component="main">
      <Stack w="100%" maw={420} gap="lg">
        <Center>
          <Logo tenantName="" />
        </Center>
        <Paper withBorder shadow="sm" p="xl" radius="lg">
          <form onSubmit={submit} noValidate aria-labelledby="sign-in-title">
            <Stack gap="md">
              <Stack gap={4}>
                <Title order={1} size="h3" id="sign-in-title">
                  {TITLES[step].title}
                </Title>
                <Text c="dimmed" size="sm">
                  {TITLES[step].help}
                </Text>
              </Stack>
              {expired && (
                <Alert color="blue" variant="light" icon={<IconInfoCircle aria-hidden />}>
                  Your session ended. Sign in again to continue.
                </Alert>
              )}
              {unavailable && (
                <Alert
                  color="blue"
                  variant="light"
                  icon={<IconInfoCircle aria-hidden />}
                  title="Sign-in is not enabled"
                >
                  <Stack gap="xs" align="flex-start">
                    <Text size="sm">This server has no sign-in. You can work as the development user.</Text>
                    <Button size="xs" onClick={continueAsDeveloper}>
                      Continue as development user
                    </Button>
                  </Stack>
                </Alert>
              )}
              {error !== undefined && !signInUnavailable(error) && (
                <ErrorAlert
                  title={
                    step === 'totp'
                      ? 'Code not accepted'
                      : step === 'new-password'
                        ? 'Password not changed'
                        : 'Could not sign in'
                  }
                  error={locked ? new Error(locked) : error}
                />
              )}
              {step === 'credentials' && (
                <>
                  <TextInput
                    label="Email"
                    type="email"
                    value={email}
                    onChange={(event) => setEmail(event.currentTarget.value)}
                    autoComplete="username"
                    required
                    data-autofocus
                  />
                  <PasswordInput
                    label="Password"
                    value={password}
                    onChange={(event) => setPassword(event.currentTarget.value)}
                    autoComplete="current-password"
                    required
                  />
                </>
              )}
              {step === 'totp' && (
                <TextInput
                  label="Verification code"
                  value={totp}
                  onChange={(event) => setTotp(event.currentTarget.value)}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={7}
                  required
                  autoFocus
                />
              )}
              {step === 'tenant' && (
                <Select
                  label="Organisation"
                  data={tenants.map((choice) => ({ value: choice.id, label: choice.name }))}
                  value={tenant}
                  onChange={setTenant}
                  allowDeselect={false}
                  required
                />
              )}
              {step === 'new-password' && (
                <PasswordInput
                  label="New password"
                  description="At least 12 characters; not a common password and not your email."
                  value={newPassword}
                  onChange={(event) => setNewPassword(event.currentTarget.value)}
                  autoComplete="new-password"
                  required
                  autoFocus
                />
              )}
              <Button type="submit" loading={busy} fullWidth disabled={step === 'tenant' && !tenant}>
                {step === 'totp' ? 'Verify' : step === 'new-password' ? 'Save and continue' : 'Sign in'}
              </Button>
              {step !== 'credentials' && step !== 'new-password' && (
                <Button
                  variant="subtle"
                  onClick={() => {
                    setStep('credentials');
                    setTotp('');
                    setError(undefined);
                  }}
                >
                  Back
                </Button>
              )}
            </Stack>
          </form>
        </Paper>
      </Stack>
    </Center>
  );
}
