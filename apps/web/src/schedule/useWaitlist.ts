import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../api/useApi';
import { fetchOpenOffers, fetchWaitlist } from './waitlist-api';

/**
 * The waitlist and its open offers. Their keys sit under `['scheduling']`, so a booking, move or
 * cancellation anywhere (the live feed's appointment events, or this screen's own changes) refetches
 * them: a cancellation is when the server offers a slot. The minute refetch catches offers running out.
 */
export function useWaitlist() {
  const { http } = useApi();
  return useQuery({
    queryKey: ['scheduling', 'waitlist'],
    queryFn: ({ signal }) => fetchWaitlist(http, signal),
    refetchInterval: 60_000,
  });
}

export function useOpenOffers() {
  const { http } = useApi();
  return useQuery({
    queryKey: ['scheduling', 'offers', 'open'],
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
