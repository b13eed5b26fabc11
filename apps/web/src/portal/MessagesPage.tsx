import { Alert, Button, Card, Group, Skeleton, Stack, Text, Textarea, TextInput } from '@mantine/core';
import type { Communication } from '@medplum/fhirtypes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../api/useApi';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { fetchClinic, sendMessage } from './portal-api';
import { formatWhen } from './portal-format';
import { usePortalPatient } from './portal-patient';
import { useMessages } from './usePortal';

function fromPatient(message: Communication, patientId: string): boolean {
  return message.sender?.reference === `Patient/${patientId}`;
}

/** The patient's messages with the clinic (FHIR Communications) and a form to write to it. */
export function MessagesPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const patientId = usePortalPatient();
  const messages = useMessages(patientId);
  const clinic = useQuery({ queryKey: ['portal', 'clinic'], queryFn: ({ signal }) => fetchClinic(api, signal) });
  const [topic, setTopic] = useState('');
  const [text, setText] = useState('');
  const [textError, setTextError] = useState<string | undefined>();
  const send = useMutation({
    mutationFn: () =>
      sendMessage(api, { patientId, clinic: clinic.data?.id, topic: topic.trim(), text: text.trim(), now: new Date() }),
    onSuccess: async () => {
      setTopic('');
      setText('');
      await queryClient.invalidateQueries({ queryKey: ['portal', 'messages'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) {
      setTextError('Write your message first');
      return;
    }
    setTextError(undefined);
    send.mutate();
  };

  return (
    <Stack gap="lg">
      <PageHeader
        title="Messages"
        description="Write to the clinic about anything that is not urgent. In an emergency, call emergency services."
      />
      {messages.isPending && <Skeleton h={120} radius="md" aria-label="Loading messages" />}
      {messages.isError && (
        <ErrorAlert
          title="Your messages could not be loaded"
          error={messages.error}
          onRetry={() => messages.refetch()}
        />
      )}
      {messages.isSuccess && messages.data.length === 0 && (
        <EmptyState title="No messages yet">Your conversation with the clinic will show here.</EmptyState>
      )}
      {messages.data && messages.data.length > 0 && (
        <Stack component="ol" gap="sm" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Your messages">
          {messages.data.map((message) => {
            const mine = fromPatient(message, patientId);
            return (
              <Card
                key={message.id}
                component="li"
                withBorder
                radius="md"
                ml={mine ? 'xl' : 0}
                mr={mine ? 0 : 'xl'}
                bg={mine ? 'meridian.0' : 'white'}
              >
                <Group justify="space-between" gap="xs">
                  <Text size="sm" fw={700}>
                    {mine ? 'You' : 'The clinic'}
                    {message.topic?.text ? ` · ${message.topic.text}` : ''}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {formatWhen(message.sent)}
                  </Text>
                </Group>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {message.payload
                    ?.map((part) => part.contentString)
                    .filter(Boolean)
                    .join('\n')}
                </Text>
              </Card>
            );
          })}
        </Stack>
      )}
      <Card withBorder radius="md" component="form" onSubmit={submit} aria-label="Write to the clinic" noValidate>
        <Stack gap="sm">
          <TextInput
            label="Subject"
            value={topic}
            onChange={(event) => setTopic(event.currentTarget.value)}
            maxLength={200}
          />
          <Textarea
            label="Message"
            required
            autosize
            minRows={3}
            maxLength={4000}
            value={text}
            error={textError}
            onChange={(event) => setText(event.currentTarget.value)}
          />
          {send.isError && <ErrorAlert title="Your message was not sent" error={send.error} />}
          {send.isSuccess && (
            <Alert color="green" role="status">
              Sent. The clinic will answer here.
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={send.isPending}>
              Send message
            </Button>
          </Group>
        </Stack>
      </Card>
    </Stack>
  );
}
