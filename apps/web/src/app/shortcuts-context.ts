import { createContext, type RefObject, useContext, useEffect, useLayoutEffect, useRef } from 'react';
import type { Shortcut, ShortcutId } from './shortcuts';

/** What a screen does for a shortcut; told which of the shortcut's sequences was typed (`1` to `9`). */
export type ShortcutHandlers = Partial<Record<ShortcutId, (sequence: string) => void>>;

export interface ShortcutsContextValue {
  /** The shortcuts this person has, whether or not the current screen acts on them. */
  shortcuts: readonly Shortcut[];
  /** Whether single-key shortcuts are on; a person may turn them off (WCAG 2.1.4). */
  enabled: boolean;
  setEnabled(enabled: boolean): void;
  openHelp(): void;
  /** Adds a screen's handlers; the latest registration wins for a shortcut. Returns the removal. */
  register(handlers: RefObject<ShortcutHandlers>): () => void;
}

export const ShortcutsContext = createContext<ShortcutsContextValue | null>(null);

/** The shortcuts of the signed-in frame, or null outside it (the sign-in page, the portal). */
export function useShortcuts(): ShortcutsContextValue | null {
  return useContext(ShortcutsContext);
}

/**
 * Binds a screen's actions to shortcuts of the registry for as long as the screen is shown. A shortcut the
 * person's roles do not include never reaches its handler.
 */
export function useShortcutHandlers(handlers: ShortcutHandlers): void {
  const context = useContext(ShortcutsContext);
  const current = useRef(handlers);
  // The latest closures, without registering again on every render.
  useLayoutEffect(() => {
    current.current = handlers;
  });
  useEffect(() => context?.register(current), [context]);
}
