import { Autocomplete, Button, Group, Paper, Select, SimpleGrid, TextInput } from '@mantine/core';
import { IconFilter, IconX } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { type AuditFilter, actionLabel, COMMON_ACTIONS } from './audit-events';
import type { TenantUser } from './users-api';

type Draft = Required<Omit<AuditFilter, 'page' | 'outcome'>> & { outcome: string | null };

function draftOf(filter: AuditFilter): Draft {
  return {
    patient: filter.patient ?? '',
    user: filter.user ?? '',
    action: filter.action ?? '',
    outcome: filter.outcome ?? null,
    from: filter.from ?? '',
    to: filter.to ?? '',
  };
}

/** The audit trail's filters; they apply on "Apply filters" (or Enter) and live in the address bar. */
export function AuditFilters({
  filter,
  users,
  onApply,
}: {
  filter: AuditFilter;
  users: TenantUser[];
  onApply: (filter: AuditFilter) => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(filter));
  useEffect(() => setDraft(draftOf(filter)), [filter]);
  const set = (key: keyof Draft) => (value: string | null) => setDraft((current) => ({ ...current, [key]: value }));
  const rangeError = draft.from && draft.to && draft.from > draft.to ? 'Ends before it starts' : undefined;

  const apply = (event: React.FormEvent) => {
    event.preventDefault();
    if (rangeError) return;
    const next: AuditFilter = {};
    const patient = draft.patient.trim().replace(/^Patient\//, '');
    if (patient) next.patient = patient;
    if (draft.user) next.user = draft.user;
    if (draft.action.trim()) next.action = draft.action.trim();
    if (draft.outcome) next.outcome = draft.outcome as AuditFilter['outcome'];
    if (draft.from) next.from = draft.from;
    if (draft.to) next.to = draft.to;
    onApply(next);
  };

  const userOptions = users.map((user) => ({ value: user.id, label: `${user.name} (${user.email})` }));
  // A user id from a link that is not (or no longer) a member still shows, as its id.
  if (draft.user && !users.some((user) => user.id === draft.user)) {
    userOptions.push({ value: draft.user, label: draft.user });
  }

  return (
    <Paper withBorder radius="md" p="md" component="form" onSubmit={apply} aria-label="Audit filters">
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
        <TextInput
          label="Patient id"
          placeholder="e.g. 0f6c…, or open a chart’s Audit trail"
          value={draft.patient}
          onChange={(event) => set('patient')(event.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
        />
        <Select
          label="User"
          placeholder="Anyone"
          data={userOptions}
          value={draft.user || null}
          onChange={(value) => set('user')(value ?? '')}
          searchable
          clearable
          nothingFoundMessage="No user of this tenant matches"
          comboboxProps={{ withinPortal: true }}
        />
        <Autocomplete
          label="Action"
          placeholder="Any action"
          data={COMMON_ACTIONS.map((value) => ({ value, label: `${actionLabel(value)} (${value})` }))}
          value={draft.action}
          onChange={set('action')}
          comboboxProps={{ withinPortal: true }}
        />
        <Select
          label="Outcome"
          placeholder="Any outcome"
          data={[
            { value: 'success', label: 'Success' },
            { value: 'denied', label: 'Denied' },
            { value: 'failure', label: 'Failure' },
          ]}
          value={draft.outcome}
          onChange={set('outcome')}
          clearable
          comboboxProps={{ withinPortal: true }}
        />
        <TextInput
          label="From (UTC day)"
          type="date"
          value={draft.from}
          onChange={(event) => set('from')(event.currentTarget.value)}
        />
        <TextInput
          label="To (UTC day, included)"
          type="date"
          value={draft.to}
          onChange={(event) => set('to')(event.currentTarget.value)}
          error={rangeError}
        />
      </SimpleGrid>
      <Group justify="flex-end" mt="md" gap="sm">
        <Button
          variant="default"
          leftSection={<IconX size={16} aria-hidden />}
          onClick={() => onApply({})}
          disabled={Object.keys(filter).filter((key) => key !== 'page').length === 0}
        >
          Clear filters
        </Button>
        <Button type="submit" leftSection={<IconFilter size={16} aria-hidden />}>
          Apply filters
        </Button>
      </Group>
    </Paper>
  );
}
