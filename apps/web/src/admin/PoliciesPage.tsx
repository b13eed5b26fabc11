import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  Radio,
  Select,
  Stack,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { isApiError } from '../api/api-error';
import { useApi } from '../api/useApi';
import { SCREEN_ROLES } from '../app/navigation';
import { RequireRole } from '../auth/RequireRole';
import { formatFhirDateTime } from '../format/dates';
import { EmptyState } from '../shared/EmptyState';
import { ErrorAlert } from '../shared/ErrorAlert';
import { PageHeader } from '../shared/PageHeader';
import { TableSkeleton } from '../shared/TableSkeleton';
import { notifyDone } from './notify';
import { PolicyRuleDialog } from './PolicyRuleDialog';
import { describeRule, type PolicyDocument, type PolicyRule, policiesApi, rulePath } from './policies-api';
import { roleLabel } from './users-api';

export function PoliciesPage() {
  return (
    <RequireRole roles={SCREEN_ROLES.policies} what="Access policies">
      <Policies />
    </RequireRole>
  );
}

const QUERY_KEY = ['access', 'policies'];

function Policies() {
  const { http } = useApi();
  const api = useMemo(() => policiesApi(http), [http]);
  const queryClient = useQueryClient();
  const policy = useQuery({ queryKey: QUERY_KEY, queryFn: ({ signal }) => api.read(signal) });
  /** The admin's unsaved edits; undefined while the stored policy is shown as it is. */
  const [edits, setEdits] = useState<PolicyDocument | undefined>();
  const [roleFilter, setRoleFilter] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ index: number | undefined } | undefined>();
  const save = useMutation({
    mutationFn: ({ document, etag }: { document: PolicyDocument; etag: string }) => api.replace(document, etag),
    onSuccess: (saved) => {
      queryClient.setQueryData(QUERY_KEY, saved);
      setEdits(undefined);
      notifyDone('Access policy', `Saved as version ${saved.view.version}`);
    },
  });

  const stored = policy.data?.view.policy;
  const draft = edits ?? stored;
  const changed = !!edits && !!stored && JSON.stringify(edits) !== JSON.stringify(stored);

  const rows = (draft?.rules ?? []).map((rule, index) => ({ rule, index }));
  const visible = roleFilter ? rows.filter(({ rule }) => rule.role === roleFilter) : rows;
  const roles = [...new Set(rows.map(({ rule }) => rule.role))];
  const refusedAt = isApiError(save.error) ? rulePath(save.error.details.path) : undefined;
  const conflict = isApiError(save.error) && save.error.status === 412;

  const updateRules = (rules: PolicyRule[]) => draft && setEdits({ ...draft, rules });
  const onRuleDone = (rule: PolicyRule) => {
    if (!draft || !editing) return;
    const rules = [...draft.rules];
    if (editing.index === undefined) rules.push(rule);
    else rules[editing.index] = rule;
    updateRules(rules);
    setEditing(undefined);
  };

  const view = policy.data?.view;
  return (
    <>
      <PageHeader
        title="Access policies"
        description="What each role may do with each kind of record. Deny rules win; anything not allowed is refused."
        actions={
          <>
            <Button
              variant="default"
              disabled={!changed || save.isPending}
              onClick={() => {
                setEdits(undefined);
                save.reset();
              }}
            >
              Discard changes
            </Button>
            <Button
              disabled={!changed}
              loading={save.isPending}
              onClick={() => draft && policy.data && save.mutate({ document: draft, etag: policy.data.etag })}
            >
              Save policy
            </Button>
          </>
        }
      />
      <Stack gap="md">
        {policy.isError && (
          <ErrorAlert title="The policy could not be read" error={policy.error} onRetry={() => policy.refetch()} />
        )}
        {view && (
          <Text size="sm" c="dimmed">
            {view.source === 'default'
              ? 'This tenant uses Meridian’s default clinic policy; saving makes it the tenant’s own.'
              : `Version ${view.version}, saved ${formatFhirDateTime(view.updatedAt ?? '')}.`}
            {changed && ' You have unsaved changes.'}
          </Text>
        )}
        {conflict ? (
          <Alert color="orange.9" title="Someone else changed the policy" variant="light">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">Your changes were not saved. Reload the current policy and make them again.</Text>
              <Button
                size="xs"
                variant="default"
                onClick={async () => {
                  save.reset();
                  setEdits(undefined);
                  await policy.refetch();
                }}
              >
                Reload policy
              </Button>
            </Stack>
          </Alert>
        ) : save.error ? (
          <ErrorAlert title="The policy was not saved" error={save.error} />
        ) : null}
        {draft && (
          <Paper withBorder radius="md" p="md">
            <Radio.Group
              label="Which patients clinicians see"
              value={draft.clinicianAccess}
              onChange={(value) => setEdits({ ...draft, clinicianAccess: value as PolicyDocument['clinicianAccess'] })}
            >
              <Stack gap="xs" mt="xs">
                <Radio value="all" label="Every patient of the clinic (each access is audited)" />
                <Radio
                  value="care-team"
                  label="Only patients whose care team, encounters or organisation they belong to"
                />
              </Stack>
            </Radio.Group>
          </Paper>
        )}
        <Group justify="space-between" align="flex-end">
          <Select
            label="Show rules for"
            placeholder="Every role"
            data={roles.map((role) => ({ value: role, label: roleLabel(role) }))}
            value={roleFilter}
            onChange={setRoleFilter}
            clearable
            maw={280}
          />
          <Button
            variant="light"
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() => setEditing({ index: undefined })}
            disabled={!draft}
          >
            Add rule
          </Button>
        </Group>
        <Paper withBorder radius="md">
          {policy.isPending ? (
            <TableSkeleton rows={6} label="Loading the policy" />
          ) : visible.length === 0 ? (
            <EmptyState title="No rules">
              {roleFilter
                ? 'This role has no rules: it may do nothing.'
                : 'Nobody may do anything until you add rules.'}
            </EmptyState>
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table striped aria-label="Access rules">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={170}>Role</Table.Th>
                    <Table.Th w={110}>Effect</Table.Th>
                    <Table.Th>What it covers</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {visible.map(({ rule, index }) => (
                    <Table.Tr
                      key={index}
                      bg={refusedAt?.index === index ? 'var(--mantine-color-red-0)' : undefined}
                      aria-invalid={refusedAt?.index === index || undefined}
                    >
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {roleLabel(rule.role)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={rule.effect === 'deny' ? 'red.9' : 'teal.9'} variant="filled">
                          {rule.effect === 'deny' ? 'Deny' : 'Allow'}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{describeRule(rule)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4} justify="flex-end" wrap="nowrap">
                          <Tooltip label="Change rule">
                            <ActionIcon
                              variant="subtle"
                              color="gray.8"
                              aria-label={`Change rule ${index + 1} (${roleLabel(rule.role)})`}
                              onClick={() => setEditing({ index })}
                            >
                              <IconPencil size={16} aria-hidden />
                            </ActionIcon>
                          </Tooltip>
                          <Tooltip label="Remove rule">
                            <ActionIcon
                              variant="subtle"
                              color="red.8"
                              aria-label={`Remove rule ${index + 1} (${roleLabel(rule.role)})`}
                              onClick={() => updateRules((draft?.rules ?? []).filter((_, i) => i !== index))}
                            >
                              <IconTrash size={16} aria-hidden />
                            </ActionIcon>
                          </Tooltip>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      </Stack>
      <PolicyRuleDialog
        opened={!!editing}
        rule={editing?.index === undefined ? undefined : draft?.rules[editing.index]}
        onClose={() => setEditing(undefined)}
        onDone={onRuleDone}
      />
    </>
  );
}
