import { Autocomplete, Loader } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { Concept } from './clinical-lists-api';
import { useClinicalListsApi } from './useClinicalLists';

/** How an option reads: "E11.9 · Type 2 diabetes mellitus without complications". */
export function conceptLabel(concept: Concept): string {
  return `${concept.code} · ${concept.display}`;
}

/** Local choices when the server's terminology cannot answer, matched by code or words. */
function matchFallback(fallback: readonly Concept[], q: string): Concept[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  return fallback.filter((concept) => {
    const text = `${concept.code} ${concept.display}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

export interface CodeTypeaheadProps {
  label: string;
  /** Terminology system alias or URL (icd-10-cm, loinc, cvx). */
  system: string;
  value: string;
  onChange: (text: string, concept: Concept | undefined) => void;
  description?: string;
  placeholder?: string;
  error?: string | undefined;
  required?: boolean;
  /** Offered when the server's terminology search fails or does not know the system. */
  fallback?: readonly Concept[];
}

/**
 * Type-ahead over a code system: options from GET /terminology/search as the person types. Choosing one
 * hands back the concept; text that matches no option is free text (the caller decides if that is allowed).
 */
export function CodeTypeahead({ label, system, value, onChange, fallback = [], ...rest }: CodeTypeaheadProps) {
  const api = useClinicalListsApi();
  const [debounced] = useDebouncedValue(value.trim(), 200);
  const query = useQuery({
    queryKey: ['terminology', system, debounced],
    queryFn: ({ signal }) => api.searchCodes(system, debounced, signal),
    enabled: debounced.length >= 2,
    staleTime: 5 * 60_000,
    retry: false,
  });
  const concepts = useMemo(() => {
    if (query.isError || (query.data && !query.data.length && fallback.length)) {
      return matchFallback(fallback, debounced);
    }
    return query.data ?? [];
  }, [query.isError, query.data, fallback, debounced]);
  const byLabel = useMemo(() => new Map(concepts.map((concept) => [conceptLabel(concept), concept])), [concepts]);
  return (
    <Autocomplete
      label={label}
      value={value}
      data={[...byLabel.keys()]}
      // The server has already matched; don't filter its answer again by the typed text.
      filter={({ options }) => options}
      limit={15}
      onChange={(text) => onChange(text, byLabel.get(text))}
      rightSection={query.isFetching ? <Loader size={14} role="status" aria-label="Searching codes" /> : null}
      autoComplete="off"
      {...rest}
    />
  );
}
