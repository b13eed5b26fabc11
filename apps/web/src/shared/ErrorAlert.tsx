import { Alert, Button, Code, Group, List, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { isApiError } from '../api/api-error';

interface ErrorAlertProps {
  title?: string;
  error: unknown;
  onRetry?: () => void;
}

function describe(error: unknown): { message: string; details: string[]; requestId?: string } {
  if (isApiError(error)) {
    const errors = error.issues.filter((issue) => issue.severity === 'error' || issue.severity === 'fatal');
    const details = errors.length > 1 ? errors.map((issue) => issue.message) : [];
    return {
      message: details.length ? 'The server reported these problems:' : error.message,
      details,
      ...(error.requestId ? { requestId: error.requestId } : {}),
    };
  }
  if (error instanceof Error) return { message: error.message, details: [] };
  return { message: 'Something went wrong.', details: [] };
}

/** Shows what went wrong in words a person can act on, with the request id support needs to find it. */
export function ErrorAlert({ title = 'Something went wrong', error, onRetry }: ErrorAlertProps) {
  const { message, details, requestId } = describe(error);
  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlertTriangle aria-hidden />} role="alert">
      <Stack gap="xs">
        <Text size="sm">{message}</Text>
        {details.length > 0 && (
          <List size="sm">
            {details.map((detail) => (
              <List.Item key={detail}>{detail}</List.Item>
            ))}
          </List>
        )}
        <Group justify="space-between" gap="xs">
          {requestId ? (
            <Text size="xs" c="dimmed">
              Request id <Code>{requestId}</Code>
            </Text>
          ) : (
            <span />
          )}
          {onRetry && (
            <Button size="xs" variant="white" color="red" onClick={onRetry}>
              Try again
            </Button>
          )}
        </Group>
      </Stack>
    </Alert>
  );
}
