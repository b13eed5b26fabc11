import { Alert, Group, List, Paper, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconPlugConnected, IconPlugConnectedX } from '@tabler/icons-react';
import { QUEUE_NAMES, type QueueSummary, TRANSPORT_NAMES } from './queue-summary';

function count(value: number): string {
  return value.toLocaleString('en');
}

/**
 * The background work of the server: domain-event subscribers (how far behind, retrying, given up) and
 * outgoing messages (queued, overdue), plus whether live updates reach the other servers.
 */
export function QueuesPanel({ queues }: { queues: QueueSummary | undefined }) {
  if (!queues) return null;
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={2} size="h4">
          Queues and background work
        </Title>
        {queues.broadcast && (
          <Group gap={6} wrap="nowrap">
            {queues.broadcast.connected ? (
              <IconPlugConnected size={18} color="var(--mantine-color-teal-9)" aria-hidden />
            ) : (
              <IconPlugConnectedX size={18} color="var(--mantine-color-red-9)" aria-hidden />
            )}
            <Text size="sm" c={queues.broadcast.connected ? undefined : 'red.9'} fw={500}>
              Live updates: {queues.broadcast.connected ? 'connected' : 'not connected'} ·{' '}
              {TRANSPORT_NAMES[queues.broadcast.transport] ?? queues.broadcast.transport}
            </Text>
          </Group>
        )}
      </Group>
      {queues.attention.length > 0 ? (
        <Alert
          color="orange"
          variant="light"
          mb="md"
          title="Needs a look"
          icon={<IconAlertTriangle size={18} aria-hidden />}
        >
          <List size="sm">
            {queues.attention.map((line) => (
              <List.Item key={line}>{line}</List.Item>
            ))}
          </List>
          <Text size="sm" mt="xs">
            Dead letters can be replayed through{' '}
            <Text span ff="monospace">
              /events/dead-letters
            </Text>
            .
          </Text>
        </Alert>
      ) : (
        <Text size="sm" c="dimmed" mb="md">
          Nothing given up on and nothing overdue.
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Table.ScrollContainer minWidth={360}>
          <Table striped aria-label="Event subscribers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Subscriber</Table.Th>
                <Table.Th ta="right">Behind</Table.Th>
                <Table.Th ta="right">Retrying</Table.Th>
                <Table.Th ta="right">Given up</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {queues.subscribers.map((row) => (
                <Table.Tr key={row.subscriber}>
                  <Table.Td>
                    <Text span ff="monospace" size="sm">
                      {row.subscriber}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">{count(row.lag)}</Table.Td>
                  <Table.Td ta="right">{count(row.retrying)}</Table.Td>
                  <Table.Td ta="right" c={row.dead ? 'red.9' : undefined} fw={row.dead ? 700 : undefined}>
                    {count(row.dead)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Table.ScrollContainer minWidth={320}>
          <Table striped aria-label="Outgoing messages">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Queue</Table.Th>
                <Table.Th ta="right">Waiting</Table.Th>
                <Table.Th ta="right">Overdue</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {queues.deliveries.map((row) => (
                <Table.Tr key={row.queue}>
                  <Table.Td>{QUEUE_NAMES[row.queue] ?? row.queue}</Table.Td>
                  <Table.Td ta="right">{count(row.queued)}</Table.Td>
                  <Table.Td ta="right" c={row.overdue ? 'red.9' : undefined} fw={row.overdue ? 700 : undefined}>
                    {count(row.overdue)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </SimpleGrid>
    </Paper>
  );
}
