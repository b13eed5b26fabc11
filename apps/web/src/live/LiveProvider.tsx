import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { useApi } from '../api/useApi';
import { useAuth } from '../auth/useAuth';
import { LiveConnection, type LiveStatus } from './live-connection';
import { liveUrl, queryKeysFor } from './live-events';

const LiveStatusContext = createContext<LiveStatus>('offline');

export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}

/**
 * Keeps the signed-in app connected to `/live` while mounted (the frames mount it once signed in; it
 * unmounts, and the socket closes, on sign-out) and marks stale the queries each event affects, so open
 * screens refetch without a reload.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const { http } = useApi();
  const queryClient = useQueryClient();
  const { session } = useAuth();
  // A server without sign-in (the development user) has no /live for it.
  const enabled = session.status === 'signed-in' && session.mode === 'server';
  const [status, setStatus] = useState<LiveStatus>(enabled ? 'connecting' : 'offline');

  useEffect(() => {
    if (!enabled || typeof WebSocket === 'undefined') return;
    const connection = new LiveConnection({
      url: liveUrl(window.location),
      onStatus: setStatus,
      onEvent: (event) => {
        for (const queryKey of queryKeysFor(event.type)) void queryClient.invalidateQueries({ queryKey });
      },
      // Anything could have changed while the socket was down.
      onResync: () => void queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'auth' }),
      beforeReconnect: () => http.request('/auth/me'),
    });
    connection.start();
    return () => connection.stop();
  }, [enabled, http, queryClient]);

  return <LiveStatusContext.Provider value={status}>{children}</LiveStatusContext.Provider>;
}
