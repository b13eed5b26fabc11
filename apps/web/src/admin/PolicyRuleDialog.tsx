import { Button, Group, Modal, MultiSelect, SegmentedControl, Select, Stack, TagsInput, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { FHIR_RESOURCE_TYPES } from './fhir-resource-types';
import { POLICY_INTERACTIONS, type PolicyRule, ruleProblems } from './policies-api';
import { SERVER_ROLE_LABELS, SERVER_ROLES } from './users-api';

const ROLE_OPTIONS = [
  ...SERVER_ROLES.map((role) => ({ value: role, label: SERVER_ROLE_LABELS[role] })),
  { value: 'system', label: 'Service clients (system)' },
];
const RESOURCE_OPTIONS = ['*', 'System', ...FHIR_RESOURCE_TYPES];
const INTERACTION_SUGGESTIONS = ['*', ...POLICY_INTERACTIONS, '$everything', '$export'];

/** Adds a rule to the draft policy, or changes one; nothing is saved until the page's Save. */
export function PolicyRuleDialog({
  opened,
  rule,
  onClose,
  onDone,
}: {
  opened: boolean;
  /** The rule being changed; undefined adds a new one. */
  rule: PolicyRule | undefined;
  onClose: () => void;
  onDone: (rule: PolicyRule) => void;
}) {
  const [role, setRole] = useState<string | null>(null);
  const [effect, setEffect] = useState<'allow' | 'deny'>('allow');
  const [resources, setResources] = useState<string[]>([]);
  const [interactions, setInteractions] = useState<string[]>([]);
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    if (!opened) return;
    setRole(rule?.role ?? null);
    setEffect(rule?.effect ?? 'allow');
    setResources(rule?.resources ?? []);
    setInteractions(rule?.interactions ?? ['read', 'search']);
    setTouched(false);
  }, [opened, rule]);

  const draft = { role: (role ?? undefined) as PolicyRule['role'] | undefined, effect, resources, interactions };
  const problems = touched ? ruleProblems(draft) : {};

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(ruleProblems(draft)).length || !draft.role) return;
    onDone({ role: draft.role, effect, resources, interactions });
  };

  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={opened}
      onClose={onClose}
      title={rule ? 'Change rule' : 'Add a rule'}
      size="lg"
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Select
            label="Role"
            data={ROLE_OPTIONS}
            value={role}
            onChange={setRole}
            error={problems.role}
            required
            allowDeselect={false}
          />
          <div>
            <Text size="sm" fw={500} id="rule-effect-label" mb={4}>
              Effect
            </Text>
            <SegmentedControl
              aria-labelledby="rule-effect-label"
              value={effect}
              onChange={(value) => setEffect(value as 'allow' | 'deny')}
              data={[
                { value: 'allow', label: 'Allow' },
                { value: 'deny', label: 'Deny (wins over allow)' },
              ]}
            />
          </div>
          <MultiSelect
            label="Resource types"
            description="* for every type; System for system-level operations such as $export"
            data={RESOURCE_OPTIONS}
            value={resources}
            onChange={setResources}
            searchable
            clearable
            error={problems.resources}
            maxDropdownHeight={260}
            required
          />
          <TagsInput
            label="Interactions"
            description="read, vread, search, history, create, update, patch, delete, * or an operation ($everything)"
            data={INTERACTION_SUGGESTIONS}
            value={interactions}
            onChange={setInteractions}
            error={problems.interactions}
            clearable
            required
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit">{rule ? 'Change rule' : 'Add rule'}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
