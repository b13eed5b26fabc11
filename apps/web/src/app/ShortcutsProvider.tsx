import { useLocalStorage } from '@mantine/hooks';
import { useNavigate } from '@tanstack/react-router';
import { type ReactNode, type RefObject, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Role } from '../auth/roles';
import { ShortcutsDialog } from './ShortcutsDialog';
import { createSequenceMatcher, isIgnoredKeyPress, type KeyPress, type ShortcutId, shortcutsFor } from './shortcuts';
import { type ShortcutHandlers, ShortcutsContext, type ShortcutsContextValue } from './shortcuts-context';

/**
 * Listens for the registry's shortcuts anywhere in the staff frame and passes each to the screen that
 * acts on it; answers the app-wide ones itself (help, Go to, register a patient).
 */
export function ShortcutsProvider({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const navigate = useNavigate();
  const [enabled, setEnabled] = useLocalStorage({
    key: 'meridian-keyboard-shortcuts',
    defaultValue: true,
    getInitialValueInEffect: false,
  });
  const [helpOpen, setHelpOpen] = useState(false);
  const registrations = useRef<RefObject<ShortcutHandlers>[]>([]);
  const [matcher] = useState(() => createSequenceMatcher());
  // Role lists arrive as new arrays on each sign-in refresh; the shortcuts only change when the roles do.
  const roleKey = [...roles].sort().join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the roles' content
  const shortcuts = useMemo(() => shortcutsFor(roles), [roleKey]);

  const register = useCallback((handlers: RefObject<ShortcutHandlers>) => {
    registrations.current = [...registrations.current, handlers];
    return () => {
      registrations.current = registrations.current.filter((entry) => entry !== handlers);
    };
  }, []);

  useEffect(() => {
    if (!enabled) return;
    matcher.reset();
    const frameHandlers: ShortcutHandlers = {
      help: () => setHelpOpen(true),
      'register-patient': () => void navigate({ to: '/patients/new' }),
    };
    for (const { id, group, to } of shortcuts) {
      if (group === 'Go to' && to) frameHandlers[id] = () => void navigate({ to });
    }
    // The screen shown last (a chart inside the frame) answers before the ones under it.
    const handlerFor = (id: ShortcutId) => {
      for (const registration of [...registrations.current].reverse()) {
        const handler = registration.current?.[id];
        if (handler) return handler;
      }
      return frameHandlers[id];
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (isIgnoredKeyPress(event as unknown as KeyPress)) return;
      // Only what the current screen can act on: a chart key outside a chart is not even half a sequence.
      const live = shortcuts.filter((shortcut) => handlerFor(shortcut.id));
      const result = matcher.press(event.key, event.timeStamp, live);
      if (result.kind === 'none') return;
      event.preventDefault();
      if (result.kind === 'match') handlerFor(result.id)?.(result.sequence);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [enabled, matcher, shortcuts, navigate]);

  const value = useMemo<ShortcutsContextValue>(
    () => ({ shortcuts, enabled, setEnabled, openHelp: () => setHelpOpen(true), register }),
    [shortcuts, enabled, setEnabled, register],
  );

  return (
    <ShortcutsContext.Provider value={value}>
      {children}
      <ShortcutsDialog opened={helpOpen} onClose={() => setHelpOpen(false)} />
    </ShortcutsContext.Provider>
  );
}
