import { Skeleton } from '@mantine/core';
import { type ComponentType, lazy, Suspense } from 'react';
import type { ChartTab } from '../app/routes';
import { NotesPanel } from './NotesPanel';
import { VitalsPanel } from './VitalsPanel';

type Panel = ComponentType<{ patientId: string }>;

/** A tab's panel in its own chunk, fetched the first time the tab is opened. */
function lazyPanel(load: () => Promise<Panel>): Panel {
  const Loaded = lazy(() => load().then((Component) => ({ default: Component })));
  return function LazyPanel({ patientId }: { patientId: string }) {
    return (
      <Suspense fallback={<Skeleton height={120} radius="md" role="status" aria-label="Loading" />}>
        <Loaded patientId={patientId} />
      </Suspense>
    );
  };
}

/**
 * Chart tabs that are workspaces of their own rather than a list of one resource type. A tab here takes
 * the place of the read-only list of the same name.
 */
export const CLINICIAN_TABS: { tab: ChartTab; label: string; Panel: Panel }[] = [
  {
    tab: 'problems',
    label: 'Problems',
    Panel: lazyPanel(() => import('./ProblemsPanel').then((m) => m.ProblemsPanel)),
  },
  {
    tab: 'allergies',
    label: 'Allergies',
    Panel: lazyPanel(() => import('./AllergiesPanel').then((m) => m.AllergiesPanel)),
  },
  { tab: 'orders', label: 'Orders', Panel: lazyPanel(() => import('./OrdersPanel').then((m) => m.OrdersPanel)) },
  { tab: 'vitals', label: 'Vitals', Panel: VitalsPanel },
  { tab: 'notes', label: 'Notes', Panel: NotesPanel },
  {
    tab: 'assessments',
    label: 'Assessments',
    Panel: lazyPanel(() => import('./AssessmentsPanel').then((m) => m.AssessmentsPanel)),
  },
  {
    tab: 'immunizations',
    label: 'Immunizations',
    Panel: lazyPanel(() => import('./ImmunizationsPanel').then((m) => m.ImmunizationsPanel)),
  },
  {
    tab: 'procedures',
    label: 'Procedures',
    Panel: lazyPanel(() => import('./ProceduresPanel').then((m) => m.ProceduresPanel)),
  },
];
