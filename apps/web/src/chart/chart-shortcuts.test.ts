import { describe, expect, it } from 'vitest';
import type { ChartTab } from '../app/routes';
import { SHORTCUTS } from '../app/shortcuts';
import { adjacentTab, CHART_FORMS, tabAtPosition } from './chart-shortcuts';

const tabs: ChartTab[] = ['conditions', 'problems', 'allergies', 'orders', 'vitals'];

describe('chart tab keys', () => {
  it('steps to the next and previous tab, wrapping round at the ends', () => {
    expect(adjacentTab(tabs, 'conditions', 1)).toBe('problems');
    expect(adjacentTab(tabs, 'orders', -1)).toBe('allergies');
    expect(adjacentTab(tabs, 'vitals', 1)).toBe('conditions');
    expect(adjacentTab(tabs, 'conditions', -1)).toBe('vitals');
  });
  it('starts from the first tab when the current one is not in the list, and has none without tabs', () => {
    expect(adjacentTab(tabs, 'notes', 1)).toBe('conditions');
    expect(adjacentTab([], 'notes', 1)).toBeUndefined();
  });
  it('picks a tab by its 1-based position, and none past the last', () => {
    expect(tabAtPosition(tabs, '1')).toBe('conditions');
    expect(tabAtPosition(tabs, '5')).toBe('vitals');
    expect(tabAtPosition(tabs, '6')).toBeUndefined();
    expect(tabAtPosition(tabs, '0')).toBeUndefined();
  });
  it('has a form for every chart shortcut that is not about tabs', () => {
    const formShortcuts = SHORTCUTS.filter(
      (shortcut) => shortcut.group === 'In a patient chart' && !shortcut.id.startsWith('chart-'),
    ).map((shortcut) => shortcut.id);
    expect(Object.keys(CHART_FORMS).sort()).toEqual([...formShortcuts].sort());
  });
});
