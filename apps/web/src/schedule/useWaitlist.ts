import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../api/useApi';
import { OFFERS_KEY, WAITLIST_KEY } from '../live/live-events';
import { fetchOpenOffers, fetchWaitlist } from './waitlist-api';

/**
 * The waitlist and its open offers. The live feed's `waitlist.*` events (another desk adding, removing,
 * offering, accepting, declining) refetch them by their own keys; their keys also sit under
 * `['scheduling']`, so appointment events and this screen's own changes refetch them too. The minute
 * refetch catches offers running out (the server publishes no event for an expiry).
 */
export function useWaitlist() {
  const { http } = useApi();
  return useQuery({
    queryKey: WAITLIST_KEY,
    queryFn: ({ signal }) => fetchWaitlist(http, signal),
    refetchInterval: 60_000,
  });
}

export function useOpenOffers() {
  const { http } = useApi();
  return useQuery({
    queryKey: [...OFFERS_KEY, 'open'],
    queryFn: ({ signal }) => fetchOpenOffers(http, {}, signal),
    refetchInterval: 60_000,
  });
}

/** The time now, renewed every `everyMs`, for labels such as "waiting for 3 hours". */
export function useNow(everyMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
