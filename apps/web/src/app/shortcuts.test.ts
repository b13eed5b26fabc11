import { describe, expect, it } from 'vitest';
import { navigationFor } from './navigation';
import {
  createSequenceMatcher,
  isIgnoredKeyPress,
  isTypingTarget,
  type KeyPress,
  type KeyTarget,
  parseSequence,
  SHORTCUTS,
  type Shortcut,
  sequenceConflicts,
  shortcutsFor,
} from './shortcuts';

const ids = (roles: Parameters<typeof shortcutsFor>[0]) => shortcutsFor(roles).map((shortcut) => shortcut.id);

describe('shortcutsFor', () => {
  it('gives a front desk user the bed board and schedule but not the results inbox or the chart forms', () => {
    const desk = ids(['front-desk']);
    expect(desk).toEqual(expect.arrayContaining(['help', 'search', 'go-beds', 'go-schedule', 'register-patient']));
    expect(desk).not.toContain('go-inbox');
    expect(desk).not.toContain('record-vitals');
    expect(desk).not.toContain('new-order');
  });
  it('gives the billing role no bed board, schedule or registration: it cannot see those screens', () => {
    const billing = ids(['billing']);
    expect(billing).toEqual(['help', 'search', 'go-home', 'go-patients', ...chartNavigation]);
  });
  it('gives physicians and nurses the inbox and the chart forms', () => {
    for (const role of ['physician', 'nurse'] as const) {
      expect(ids([role])).toEqual(expect.arrayContaining(['go-inbox', 'record-vitals', 'new-order', 'write-note']));
    }
  });
  it('gives a tenant admin only the help: no patient screens', () => {
    expect(ids(['tenant-admin'])).toEqual(['help']);
  });
  it('gives a super admin every shortcut and a patient none', () => {
    expect(ids(['super-admin'])).toEqual(SHORTCUTS.map((shortcut) => shortcut.id));
    expect(ids(['patient'])).toEqual([]);
  });
  it('offers a Go to shortcut to exactly the people the navigation shows its screen to', () => {
    const roleSets = [['front-desk'], ['billing'], ['pharmacist'], ['nurse'], ['tenant-admin']] as const;
    for (const roles of roleSets) {
      const screens = navigationFor(roles).flatMap((group) => group.items.map((item) => item.to));
      for (const shortcut of SHORTCUTS.filter((entry) => entry.to)) {
        expect(shortcutsFor(roles).includes(shortcut), `${shortcut.id} for ${roles}`).toBe(
          screens.includes(shortcut.to!),
        );
      }
    }
  });
});

const chartNavigation = ['chart-previous-tab', 'chart-next-tab', 'chart-tab-by-position'];

describe('parseSequence', () => {
  it('splits a sequence into keys', () => {
    expect(parseSequence('g i')).toEqual(['g', 'i']);
    expect(parseSequence('  g   p ')).toEqual(['g', 'p']);
    expect(parseSequence('?')).toEqual(['?']);
    expect(parseSequence('Escape')).toEqual(['Escape']);
  });
  it('refuses an empty sequence and tokens that are not one key', () => {
    expect(() => parseSequence('')).toThrow('at least one key');
    expect(() => parseSequence('gi')).toThrow('"gi" is not one key');
    expect(() => parseSequence('ctrl+k')).toThrow('is not one key');
  });
  it('finds no conflict in the registry, and finds the ones that would break a sequence', () => {
    expect(sequenceConflicts(SHORTCUTS)).toEqual([]);
    const made = (id: Shortcut['id'], sequence: string): Shortcut => ({
      id,
      sequences: [sequence],
      description: id,
      group: 'Anywhere',
      roles: ['nurse'],
    });
    expect(sequenceConflicts([made('go-home', 'g'), made('go-inbox', 'g i')])).toEqual([
      'go-home "g" and go-inbox "g i"',
    ]);
    expect(sequenceConflicts([made('go-home', 'g h'), made('go-inbox', 'g h')])).toEqual([
      'go-home "g h" and go-inbox "g h"',
    ]);
  });
});

describe('createSequenceMatcher', () => {
  const live = shortcutsFor(['physician']);

  it('matches a two-key sequence and reports which sequence of a shortcut was typed', () => {
    const matcher = createSequenceMatcher();
    expect(matcher.press('g', 0, live)).toEqual({ kind: 'partial' });
    expect(matcher.press('i', 200, live)).toEqual({ kind: 'match', id: 'go-inbox', sequence: 'g i' });
    expect(matcher.press('7', 300, live)).toEqual({ kind: 'match', id: 'chart-tab-by-position', sequence: '7' });
  });
  it('starts over after a pause longer than the timeout', () => {
    const matcher = createSequenceMatcher(1000);
    matcher.press('g', 0, live);
    expect(matcher.press('i', 1500, live)).toEqual({ kind: 'none' });
    expect(matcher.press('g', 2000, live)).toEqual({ kind: 'partial' });
    expect(matcher.press('i', 2900, live)).toMatchObject({ kind: 'match', id: 'go-inbox' });
  });
  it('drops a sequence on a wrong key without acting on that key alone', () => {
    const matcher = createSequenceMatcher();
    matcher.press('g', 0, live);
    expect(matcher.press('v', 100, live)).toEqual({ kind: 'none' });
    expect(matcher.press('v', 200, live)).toMatchObject({ kind: 'match', id: 'record-vitals' });
  });
  it('cancels a started sequence on Escape', () => {
    const matcher = createSequenceMatcher();
    matcher.press('g', 0, live);
    expect(matcher.press('Escape', 100, live)).toEqual({ kind: 'none' });
    expect(matcher.press('i', 200, live)).toEqual({ kind: 'none' });
  });
  it('only matches the shortcuts it is given: a front desk user typing g i gets nothing', () => {
    const matcher = createSequenceMatcher();
    const desk = shortcutsFor(['front-desk']);
    expect(matcher.press('g', 0, desk)).toEqual({ kind: 'partial' });
    expect(matcher.press('i', 100, desk)).toEqual({ kind: 'none' });
    expect(matcher.press('b', 200, desk)).toEqual({ kind: 'none' });
    matcher.press('g', 300, desk);
    expect(matcher.press('b', 400, desk)).toMatchObject({ kind: 'match', id: 'go-beds' });
  });
});

function element(tagName: string, extra: Partial<KeyTarget> & { role?: string; inside?: string[] } = {}): KeyTarget {
  const { role, inside = [], ...rest } = extra;
  return {
    tagName,
    getAttribute: (name) => (name === 'role' ? (role ?? null) : null),
    closest: (selector) => (inside.some((match) => selector.includes(match)) ? {} : null),
    ...rest,
  };
}

function press(key: string, target: KeyTarget | null, extra: Partial<KeyPress> = {}): KeyPress {
  return {
    key,
    target,
    ctrlKey: false,
    altKey: false,
    metaKey: false,
    repeat: false,
    isComposing: false,
    defaultPrevented: false,
    ...extra,
  };
}

describe('the typing guard', () => {
  it('treats text fields, text areas, selects, rich text and text roles as typing', () => {
    expect(isTypingTarget(element('INPUT'))).toBe(true);
    expect(isTypingTarget(element('input', { type: 'search' }))).toBe(true);
    expect(isTypingTarget(element('TEXTAREA'))).toBe(true);
    expect(isTypingTarget(element('SELECT'))).toBe(true);
    expect(isTypingTarget(element('DIV', { isContentEditable: true }))).toBe(true);
    expect(isTypingTarget(element('DIV', { role: 'combobox' }))).toBe(true);
  });
  it('does not treat buttons, tabs, check boxes or the page as typing', () => {
    expect(isTypingTarget(element('BUTTON'))).toBe(false);
    expect(isTypingTarget(element('BUTTON', { role: 'tab' }))).toBe(false);
    expect(isTypingTarget(element('INPUT', { type: 'checkbox' }))).toBe(false);
    expect(isTypingTarget(element('INPUT', { type: 'radio' }))).toBe(false);
    expect(isTypingTarget(element('BODY'))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
  it('ignores letters typed in a field but lets Escape through', () => {
    const field = element('INPUT', { type: 'text' });
    expect(isIgnoredKeyPress(press('g', field))).toBe(true);
    expect(isIgnoredKeyPress(press('?', element('TEXTAREA')))).toBe(true);
    expect(isIgnoredKeyPress(press('Escape', field))).toBe(false);
    expect(isIgnoredKeyPress(press('g', element('BODY')))).toBe(false);
  });
  it('leaves modifier combinations, held keys, composition and handled keys alone', () => {
    const body = element('BODY');
    expect(isIgnoredKeyPress(press('g', body, { ctrlKey: true }))).toBe(true);
    expect(isIgnoredKeyPress(press('g', body, { altKey: true }))).toBe(true);
    expect(isIgnoredKeyPress(press('g', body, { metaKey: true }))).toBe(true);
    expect(isIgnoredKeyPress(press('g', body, { repeat: true }))).toBe(true);
    expect(isIgnoredKeyPress(press('g', body, { isComposing: true }))).toBe(true);
    expect(isIgnoredKeyPress(press('g', body, { defaultPrevented: true }))).toBe(true);
    // Shift is part of the key itself (`?` is Shift+/ on many layouts).
    expect(isIgnoredKeyPress(press('?', body))).toBe(false);
  });
  it('ignores keys inside an open dialog or menu', () => {
    expect(isIgnoredKeyPress(press('g', element('BUTTON', { inside: ['aria-modal'] })))).toBe(true);
    expect(isIgnoredKeyPress(press('v', element('BUTTON', { inside: ['role="menu"'] })))).toBe(true);
  });
});
