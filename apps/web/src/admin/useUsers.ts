import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useApi } from '../api/useApi';
import { type ServerRole, usersApi } from './users-api';

export const USERS_PAGE_SIZE = 25;

export function useUsersApi() {
  const { http } = useApi();
  return useMemo(() => usersApi(http), [http]);
}

/** One page of the tenant's users; the previous page stays on screen while the next one loads. */
export function useUsers(q: string, page: number) {
  const api = useUsersApi();
  return useQuery({
    queryKey: ['identity', 'users', { q, page }],
    queryFn: ({ signal }) => api.list({ q, count: USERS_PAGE_SIZE, offset: page * USERS_PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
  });
}

/** The changes an admin makes to a user; each refreshes the list once it is done. */
export function useUserActions() {
  const api = useUsersApi();
  const queryClient = useQueryClient();
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: ['identity', 'users'] });
  return {
    create: useMutation({ mutationFn: api.create, onSuccess }),
    setRoles: useMutation({
      mutationFn: ({ id, roles }: { id: string; roles: ServerRole[] }) => api.setRoles(id, roles),
      onSuccess,
    }),
    deactivate: useMutation({ mutationFn: api.deactivate, onSuccess }),
    reactivate: useMutation({ mutationFn: api.reactivate, onSuccess }),
    resetMfa: useMutation({ mutationFn: api.resetMfa, onSuccess }),
    revokeSessions: useMutation({ mutationFn: api.revokeSessions, onSuccess }),
  };
}
