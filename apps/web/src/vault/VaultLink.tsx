import { Anchor, type AnchorProps, Button, type ButtonProps } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { VaultSearch } from './vault-location';

interface VaultTarget {
  /** The address after /console/vault/ (`secrets`, `policies/<name>`, ...). */
  view: string;
  search?: VaultSearch;
  children: ReactNode;
  'aria-label'?: string;
  'aria-current'?: 'page' | 'true';
}

/** A text link to a vault screen. */
export function VaultAnchor({ view, search, children, ...props }: AnchorProps & VaultTarget) {
  return (
    <Anchor
      {...props}
      renderRoot={(rootProps) => (
        <Link {...rootProps} to="/console/vault/$" params={{ _splat: view }} search={search ?? {}} />
      )}
    >
      {children}
    </Anchor>
  );
}

/** A button that goes to a vault screen. */
export function VaultButtonLink({ view, search, children, ...props }: ButtonProps & VaultTarget) {
  return (
    <Button
      {...props}
      renderRoot={(rootProps) => (
        <Link {...rootProps} to="/console/vault/$" params={{ _splat: view }} search={search ?? {}} />
      )}
    >
      {children}
    </Button>
  );
}
