import { Badge, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { hasAnyRole } from '../auth/roles';
import { useAuth } from '../auth/useAuth';
import { useOrdersApi } from '../chart/useClinicalLists';

/**
 * The number of new results beside "Results inbox" in the navigation (red when one is critical). Shares
 * the inbox screen's query, so visiting the inbox or acknowledging refreshes it; polled every two minutes.
 */
export function InboxCountBadge() {
  const { user } = useAuth();
  const api = useOrdersApi();
  const enabled = hasAnyRole(user?.roles ?? [], ['physician', 'nurse']);
  const inbox = useQuery({
    queryKey: ['inbox', 'all'],
    queryFn: ({ signal }) => api.inbox('all', signal),
    enabled,
    refetchInterval: 120_000,
    retry: false,
  });
  const count = inbox.data?.newCount ?? 0;
  if (!count) return null;
  const critical = inbox.data?.criticalCount ?? 0;
  return (
    <Badge size="sm" variant="filled" color={critical ? 'red.9' : 'dark.6'} circle={count < 10}>
      {count}
      <VisuallyHidden>
        {' '}
        new {count === 1 ? 'result' : 'results'}
        {critical ? `, ${critical} critical` : ''}
      </VisuallyHidden>
    </Badge>
  );
}
