import { TagsInput } from '@mantine/core';
import { usePolicies } from './vault-queries';

/** Policy names to choose from: the vault's own list, when the token may read it. */
export function PolicyPicker({ value, onChange }: { value: string[]; onChange: (value: string[]) => void }) {
  const policies = usePolicies();
  return (
    <TagsInput
      label="Policies"
      description="Press Enter after each name"
      data={(policies.data ?? []).filter((policy) => policy !== 'root')}
      value={value}
      onChange={onChange}
      clearable
    />
  );
}
