import { Alert, Text } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useDocumentTitle } from './useDocumentTitle';

export function ForbiddenPage({ what }: { what: string }) {
  useDocumentTitle('Not permitted');
  return (
    <Alert color="orange" variant="light" title="You don't have access to this screen" icon={<IconLock aria-hidden />}>
      <Text size="sm">{what} needs a role you don't hold. Ask your administrator if you need it.</Text>
    </Alert>
  );
}
