import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useApi } from '../api/useApi';
import { billingApi } from './billing-api';

export function useBillingApi() {
  const api = useApi();
  return useMemo(() => billingApi(api), [api]);
}

/** Everything the desk shows of one patient's account: charges, invoices, payments and the ledger balance. */
export function usePatientAccount(patient: string) {
  const billing = useBillingApi();
  const charges = useQuery({
    queryKey: ['billing', patient, 'charges'],
    queryFn: ({ signal }) => billing.charges(patient, signal),
  });
  const invoices = useQuery({
    queryKey: ['billing', patient, 'invoices'],
    queryFn: ({ signal }) => billing.invoices(patient, signal),
  });
  const payments = useQuery({
    queryKey: ['billing', patient, 'payments'],
    queryFn: ({ signal }) => billing.payments(patient, signal),
  });
  const balance = useQuery({
    queryKey: ['billing', patient, 'balance'],
    queryFn: ({ signal }) => billing.balance(patient, signal),
  });
  return { charges, invoices, payments, balance };
}

/** Refreshes a patient's account after a change. */
export function useRefreshAccount(patient: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ['billing', patient] });
}

export function useCatalog() {
  const billing = useBillingApi();
  return useQuery({ queryKey: ['billing', 'catalog'], queryFn: ({ signal }) => billing.catalog(signal) });
}

export function useAging() {
  const billing = useBillingApi();
  return useQuery({ queryKey: ['billing', 'aging'], queryFn: ({ signal }) => billing.aging(signal) });
}

export function useClaims() {
  const billing = useBillingApi();
  return useQuery({ queryKey: ['billing', 'claims'], queryFn: ({ signal }) => billing.claims(signal) });
}

export function useInvoiceActions(patient: string) {
  const billing = useBillingApi();
  const refresh = useRefreshAccount(patient);
  const create = useMutation({
    mutationFn: (input: { encounter?: string; patient?: string; issue: boolean }) => billing.createInvoice(input),
    onSuccess: refresh,
  });
  const issue = useMutation({ mutationFn: (id: string) => billing.issueInvoice(id), onSuccess: refresh });
  return { create, issue };
}
