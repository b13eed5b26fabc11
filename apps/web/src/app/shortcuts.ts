import { hasAnyRole, ROLES, type Role } from '../auth/roles';
import { NAVIGATION, SCREEN_ROLES } from './navigation';

/**
 * The web app's keyboard shortcuts: one list that both the key bindings and the help dialog read, so the
 * dialog never offers a key that does nothing and no key works that the dialog does not show.
 *
 * Keys are `KeyboardEvent.key` values; a sequence is keys separated by spaces (`g i`: g, then i). Letters
 * alone or after `g` leave Ctrl, Alt and Meta combinations to the browser and to screen readers.
 */
export type ShortcutId =
  | 'help'
  | 'search'
  | 'go-home'
  | 'go-patients'
  | 'go-inbox'
  | 'go-schedule'
  | 'go-beds'
  | 'register-patient'
  | 'chart-previous-tab'
  | 'chart-next-tab'
  | 'chart-tab-by-position'
  | 'record-vitals'
  | 'new-order'
  | 'write-note';

export type ShortcutGroup = 'Anywhere' | 'Go to' | 'In a patient chart';

export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = ['Anywhere', 'Go to', 'In a patient chart'];

export interface Shortcut {
  id: ShortcutId;
  /** Every sequence that triggers it; the handler is told which one. */
  sequences: readonly string[];
  /** How the help dialog writes the keys when listing every sequence would be noise (`1` to `9`). */
  range?: readonly [string, string];
  description: string;
  group: ShortcutGroup;
  /** Who has it; super admins have every staff shortcut. */
  roles: readonly Role[];
  /** Where a `Go to` shortcut leads. */
  to?: string;
}

const STAFF: readonly Role[] = ROLES.filter((role) => role !== 'patient');
// The chart's vitals, orders and notes workspaces offer their forms to these roles; the panels check again.
const CHARTING: readonly Role[] = ['physician', 'nurse'];

/** A navigation item's roles, so a `Go to` shortcut is offered to exactly the people who see the link. */
function rolesOfScreen(to: string): readonly Role[] {
  const item = NAVIGATION.find((entry) => entry.to === to);
  if (!item) throw new Error(`No navigation item for ${to}`);
  return item.roles;
}

function goTo(id: ShortcutId, sequence: string, to: string, description: string): Shortcut {
  return { id, sequences: [sequence], description, group: 'Go to', roles: rolesOfScreen(to), to };
}

export const SHORTCUTS: readonly Shortcut[] = [
  { id: 'help', sequences: ['?'], description: 'Show keyboard shortcuts', group: 'Anywhere', roles: STAFF },
  {
    id: 'search',
    sequences: ['/'],
    description: 'Search patients',
    group: 'Anywhere',
    roles: SCREEN_ROLES.patients,
  },
  {
    id: 'register-patient',
    sequences: ['n'],
    description: 'Register a new patient',
    group: 'Anywhere',
    roles: rolesOfScreen('/patients/new'),
    to: '/patients/new',
  },
  goTo('go-home', 'g h', '/', 'Workspace home'),
  goTo('go-patients', 'g p', '/patients', 'Patients'),
  goTo('go-inbox', 'g i', '/inbox', 'Results inbox'),
  goTo('go-schedule', 'g s', '/schedule', 'Schedule'),
  goTo('go-beds', 'g b', '/beds', 'Bed board'),
  {
    id: 'chart-previous-tab',
    sequences: ['['],
    description: 'Previous chart tab',
    group: 'In a patient chart',
    roles: SCREEN_ROLES.patients,
  },
  {
    id: 'chart-next-tab',
    sequences: [']'],
    description: 'Next chart tab',
    group: 'In a patient chart',
    roles: SCREEN_ROLES.patients,
  },
  {
    id: 'chart-tab-by-position',
    sequences: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
    range: ['1', '9'],
    description: 'Chart tab by its position',
    group: 'In a patient chart',
    roles: SCREEN_ROLES.patients,
  },
  {
    id: 'record-vitals',
    sequences: ['v'],
    description: 'Record vitals',
    group: 'In a patient chart',
    roles: CHARTING,
  },
  { id: 'new-order', sequences: ['o'], description: 'New order', group: 'In a patient chart', roles: CHARTING },
  { id: 'write-note', sequences: ['w'], description: 'Write a note', group: 'In a patient chart', roles: CHARTING },
];

/** The shortcuts a person with these roles has, in the list's order. */
export function shortcutsFor(roles: readonly Role[], shortcuts: readonly Shortcut[] = SHORTCUTS): Shortcut[] {
  return shortcuts.filter((shortcut) => hasAnyRole(roles, shortcut.roles));
}

// Keys with a name longer than one character that may appear in a sequence.
const NAMED_KEYS = new Set(['Escape', 'Enter']);

/** `g i` → `['g', 'i']`. Throws on an empty sequence or a token that no single key press produces. */
export function parseSequence(sequence: string): string[] {
  const keys = sequence.trim().split(/\s+/).filter(Boolean);
  if (keys.length === 0) throw new Error('A shortcut sequence needs at least one key');
  for (const key of keys) {
    if ([...key].length !== 1 && !NAMED_KEYS.has(key)) throw new Error(`"${key}" is not one key in "${sequence}"`);
  }
  return keys;
}

/**
 * Sequences that cannot all work: the same keys twice, or one sequence starting another (`g` would fire
 * before `g i` could be typed). Returned as readable lines; the registry must have none.
 */
export function sequenceConflicts(shortcuts: readonly Shortcut[]): string[] {
  const all = shortcuts.flatMap((shortcut) =>
    shortcut.sequences.map((sequence) => ({ id: shortcut.id, keys: parseSequence(sequence) })),
  );
  const conflicts: string[] = [];
  all.forEach((first, i) => {
    all.forEach((second, j) => {
      if (i === j || first.keys.length > second.keys.length) return;
      const prefix = first.keys.every((key, index) => second.keys[index] === key);
      if (!prefix || (first.keys.length === second.keys.length && i > j)) return;
      conflicts.push(`${first.id} "${first.keys.join(' ')}" and ${second.id} "${second.keys.join(' ')}"`);
    });
  });
  return conflicts;
}

/** What a key press did to a sequence in progress. */
export type SequenceResult =
  | { kind: 'match'; id: ShortcutId; sequence: string }
  | { kind: 'partial' }
  | { kind: 'none' };

export interface SequenceMatcher {
  /** Feeds one key press (`now` in milliseconds) against the sequences that are live at that moment. */
  press(key: string, now: number, shortcuts: readonly Shortcut[]): SequenceResult;
  reset(): void;
}

/** Follows multi-key sequences; a pause longer than `timeoutMs` between keys, or a wrong key, starts over. */
export function createSequenceMatcher(timeoutMs = 1500): SequenceMatcher {
  let typed: string[] = [];
  let last = Number.NEGATIVE_INFINITY;
  return {
    reset() {
      typed = [];
    },
    press(key, now, shortcuts) {
      if (now - last > timeoutMs) typed = [];
      last = now;
      if (key === 'Escape' && typed.length > 0) {
        typed = [];
        return { kind: 'none' };
      }
      const keys = [...typed, key];
      let partial = false;
      for (const shortcut of shortcuts) {
        for (const sequence of shortcut.sequences) {
          const wanted = parseSequence(sequence);
          if (!keys.every((pressed, index) => wanted[index] === pressed)) continue;
          if (wanted.length === keys.length) {
            typed = [];
            return { kind: 'match', id: shortcut.id, sequence };
          }
          partial = true;
        }
      }
      // A key that fits nothing ends the sequence without starting another: `g` then `v` is a slip, not `v`.
      typed = partial ? keys : [];
      return partial ? { kind: 'partial' } : { kind: 'none' };
    },
  };
}

/** The parts of a DOM element the focus guard looks at (an interface, so the guard is testable without a DOM). */
export interface KeyTarget {
  tagName?: string;
  type?: string;
  isContentEditable?: boolean;
  getAttribute?(name: string): string | null;
  closest?(selector: string): unknown;
}

const TEXT_ROLES = new Set(['textbox', 'searchbox', 'combobox', 'spinbutton']);
const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

/** Whether keys pressed on this element are typing: text fields, selects, rich text. */
export function isTypingTarget(target: KeyTarget | null | undefined): boolean {
  if (!target) return false;
  const tag = target.tagName?.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !NON_TEXT_INPUTS.has((target.type ?? 'text').toLowerCase());
  if (target.isContentEditable) return true;
  return TEXT_ROLES.has(target.getAttribute?.('role') ?? '');
}

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  repeat: boolean;
  isComposing: boolean;
  defaultPrevented: boolean;
  target: KeyTarget | null;
}

/**
 * Whether a key press is left alone: while typing (except Escape, which always may cancel), with Ctrl, Alt
 * or Meta (the browser's and assistive technology's keys), held down, mid-composition, already handled, or
 * inside an open dialog or menu that has keys of its own.
 */
export function isIgnoredKeyPress(event: KeyPress): boolean {
  if (event.ctrlKey || event.altKey || event.metaKey || event.repeat || event.isComposing) return true;
  if (event.defaultPrevented) return true;
  if (event.key === 'Escape') return false;
  if (isTypingTarget(event.target)) return true;
  return Boolean(event.target?.closest?.('[aria-modal="true"], [role="menu"], [role="listbox"]'));
}
