import type { ComponentType } from 'react';
import type { ChartTab } from '../app/routes';
import { NotesPanel } from './NotesPanel';
import { VitalsPanel } from './VitalsPanel';

/** Chart tabs that are workspaces of their own rather than a list of one resource type. */
export const CLINICIAN_TABS: { tab: ChartTab; label: string; Panel: ComponentType<{ patientId: string }> }[] = [
  { tab: 'vitals', label: 'Vitals', Panel: VitalsPanel },
  { tab: 'notes', label: 'Notes', Panel: NotesPanel },
];
