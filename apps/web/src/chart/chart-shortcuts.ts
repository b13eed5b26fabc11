import { useNavigate } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import type { ChartTab } from '../app/routes';
import type { ShortcutId } from '../app/shortcuts';
import { useShortcutHandlers } from '../app/shortcuts-context';

export interface ChartTabLabel {
  tab: ChartTab;
  label: string;
}

/** The tab before or after the current one, wrapping round as the tab list's own arrow keys do. */
export function adjacentTab(tabs: readonly ChartTab[], current: ChartTab, step: 1 | -1): ChartTab | undefined {
  if (tabs.length === 0) return undefined;
  const index = tabs.indexOf(current);
  if (index < 0) return tabs[0];
  return tabs[(index + step + tabs.length) % tabs.length];
}

/** The tab at a 1-based position typed as a digit; none past the last tab. */
export function tabAtPosition(tabs: readonly ChartTab[], key: string): ChartTab | undefined {
  const position = Number(key);
  return Number.isInteger(position) && position >= 1 ? tabs[position - 1] : undefined;
}

/**
 * The forms a letter opens: the tab that holds the form and the panel's own button for it. Pressing that
 * button (rather than duplicating the panel's state) means the shortcut does exactly what the button does,
 * and nothing for someone the panel shows no button to.
 */
export const CHART_FORMS: Partial<Record<ShortcutId, { tab: ChartTab; button: string }>> = {
  'record-vitals': { tab: 'vitals', button: 'Record vitals' },
  'new-order': { tab: 'orders', button: 'New order' },
  'write-note': { tab: 'notes', button: 'New note' },
};

// Lazily loaded panels may take a moment on a slow connection.
const WAIT_MS = 5000;
const FIELDS =
  'input:not([type="hidden"]):not([type="radio"]):not([type="checkbox"]):not(:disabled), textarea:not(:disabled), select:not(:disabled)';

function waitFor<T>(find: () => T | undefined, signal: AbortSignal): Promise<T | undefined> {
  const until = Date.now() + WAIT_MS;
  return new Promise((resolve) => {
    const look = () => {
      if (signal.aborted) return resolve(undefined);
      const found = find();
      if (found !== undefined || Date.now() > until) return resolve(found);
      window.setTimeout(look, 50);
    };
    look();
  });
}

function shown(element: Element): element is HTMLElement {
  return element instanceof HTMLElement && element.offsetParent !== null;
}

function selectedTab(label: string): HTMLElement | undefined {
  const tabs = document.querySelectorAll('[role="tablist"][aria-label="Chart sections"] [role="tab"]');
  return [...tabs].find(
    (tab): tab is HTMLElement =>
      tab.getAttribute('aria-selected') === 'true' && tab.textContent?.trim() === label && shown(tab),
  );
}

/** Presses the panel's button, then puts the cursor in the first field of the form it opened. */
async function openPanelForm(button: string, signal: AbortSignal): Promise<void> {
  const target = await waitFor(() => {
    const buttons = document.querySelectorAll('[role="tabpanel"] button:not(:disabled)');
    return [...buttons].find((entry): entry is HTMLElement => entry.textContent?.trim() === button && shown(entry));
  }, signal);
  const panel = target?.closest('[role="tabpanel"]');
  if (!target || !panel) return;
  const before = new Set(panel.querySelectorAll(FIELDS));
  target.click();
  const field = await waitFor(
    () => [...panel.querySelectorAll(FIELDS)].find((entry) => !before.has(entry) && shown(entry)) as HTMLElement,
    signal,
  );
  field?.focus();
}

/**
 * The chart's keys: `[` and `]` step through the tabs, `1` to `9` pick one, `v`, `o` and `w` open the
 * vitals, order and note forms. After a tab change the focus goes to the chosen tab, so a screen reader
 * says where the person now is.
 */
export function useChartShortcuts(patientId: string, current: ChartTab, tabs: readonly ChartTabLabel[]): void {
  const navigate = useNavigate();
  const pending = useRef<AbortController | null>(null);
  useEffect(() => () => pending.current?.abort(), []);

  const start = () => {
    pending.current?.abort();
    pending.current = new AbortController();
    return pending.current.signal;
  };
  const show = async (tab: ChartTab | undefined, signal: AbortSignal) => {
    if (!tab) return;
    if (tab !== current) {
      await navigate({ to: '/patients/$patientId', params: { patientId }, search: { tab }, replace: true });
    }
    const label = tabs.find((entry) => entry.tab === tab)?.label;
    return label ? waitFor(() => selectedTab(label), signal) : undefined;
  };
  const order = tabs.map((entry) => entry.tab);
  const focusTab = (tab: ChartTab | undefined) => {
    const signal = start();
    void show(tab, signal).then((element) => element?.focus());
  };
  const openForm = (id: ShortcutId) => {
    const form = CHART_FORMS[id];
    if (!form) return;
    const signal = start();
    void show(form.tab, signal).then(() => openPanelForm(form.button, signal));
  };

  useShortcutHandlers({
    'chart-previous-tab': () => focusTab(adjacentTab(order, current, -1)),
    'chart-next-tab': () => focusTab(adjacentTab(order, current, 1)),
    'chart-tab-by-position': (key) => focusTab(tabAtPosition(order, key)),
    'record-vitals': () => openForm('record-vitals'),
    'new-order': () => openForm('new-order'),
    'write-note': () => openForm('write-note'),
  });
}
