import { Anchor, type AnchorProps } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/** A link to a patient's chart, styled as text. */
export function PatientLink({
  patientId,
  children,
  ...props
}: AnchorProps & { patientId: string; children: ReactNode }) {
  return (
    <Anchor
      {...props}
      renderRoot={(rootProps) => <Link {...rootProps} to="/patients/$patientId" params={{ patientId }} />}
    >
      {children}
    </Anchor>
  );
}
