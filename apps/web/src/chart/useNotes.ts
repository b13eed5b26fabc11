import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useApi } from '../api/useApi';
import { notesApi } from './notes-api';

export function useNotesApi() {
  const { http } = useApi();
  return useMemo(() => notesApi(http), [http]);
}

export function useNotes(patientId: string) {
  const api = useNotesApi();
  return useQuery({ queryKey: ['notes', patientId], queryFn: () => api.list(patientId) });
}

export function useNoteTemplates(enabled: boolean) {
  const api = useNotesApi();
  return useQuery({ queryKey: ['notes', 'templates'], queryFn: api.templates, enabled, staleTime: Infinity });
}

/** Every change to a note refreshes the patient's list once it is done. */
export function useNoteActions(patientId: string) {
  const api = useNotesApi();
  const queryClient = useQueryClient();
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: ['notes', patientId] });
  return {
    create: useMutation({ mutationFn: api.create, onSuccess }),
    save: useMutation({
      mutationFn: ({ id, sections }: { id: string; sections: Record<string, string> }) => api.edit(id, sections),
      onSuccess,
    }),
    sign: useMutation({
      mutationFn: async ({ id, sections }: { id: string; sections: Record<string, string> }) => {
        await api.edit(id, sections);
        return api.sign(id);
      },
      onSuccess,
    }),
    addendum: useMutation({
      mutationFn: ({ id, text }: { id: string; text: string }) => api.addendum(id, text),
      onSuccess,
    }),
  };
}
