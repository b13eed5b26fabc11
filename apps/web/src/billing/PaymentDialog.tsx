import { SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { isApiError } from '../api/api-error';
import { invoiceNumber } from '../payments/invoice-number';
import { PaymentForm } from '../payments/PaymentForm';
import { PaymentModal } from '../payments/PaymentModal';
import { PaymentReceived } from '../payments/PaymentReceived';
import { TEST_CARDS } from '../payments/test-cards';
import { usePaymentAttempt } from '../payments/usePaymentAttempt';
import type { PickedPatient } from '../schedule/PatientPicker';
import { ErrorAlert } from '../shared/ErrorAlert';
import type { PaymentRequest } from './billing-api';
import { balanceIn, type InvoiceSummary, type PaymentRow } from './billing-display';
import { fieldOfError } from './charge-form';
import { formatMoney, minorToInput, parseAmountInput } from './money';
import { useBillingApi, useRefreshAccount } from './useBilling';

/** The development gateway's test cards; a real gateway would hand the desk a token from its terminal. */
const CARD_CHOICES = TEST_CARDS.map((card) => ({ value: card.token, label: `Test card: ${card.label}` }));

/**
 * Takes a cash or card payment on an invoice. One Idempotency-Key per payment attempt: a double click, a
 * timeout or a retry after a network drop sends the same key, so the card is never charged twice.
 */
export function PaymentDialog({
  patient,
  invoice,
  onClose,
}: {
  patient: PickedPatient;
  invoice: InvoiceSummary;
  onClose: () => void;
}) {
  const billing = useBillingApi();
  const refresh = useRefreshAccount(patient.id);
  const number = invoiceNumber(invoice.id);
  const [amount, setAmount] = useState(minorToInput(invoice.balanceDue, invoice.currency));
  const [method, setMethod] = useState<'card' | 'cash'>('card');
  const [card, setCard] = useState<string | null>('tok_visa');
  const [amountError, setAmountError] = useState<string | undefined>();
  const [paid, setPaid] = useState<PaymentRow | null>(null);
  const balance = useQuery({
    queryKey: ['billing', patient.id, 'balance'],
    queryFn: ({ signal }) => billing.balance(patient.id, signal),
    enabled: paid !== null,
  });

  const pay = usePaymentAttempt((request: PaymentRequest, key: string) => billing.pay(request, key), {
    onSuccess: async (payment: PaymentRow) => {
      setPaid(payment);
      await refresh();
    },
  });

  const submit = () => {
    if (pay.isPending) return;
    const parsed = parseAmountInput(amount, invoice.currency);
    if (!parsed.ok) {
      setAmountError(parsed.error);
      return;
    }
    setAmountError(undefined);
    pay.submit({
      patient: patient.id,
      invoice: invoice.id,
      amount: parsed.minor,
      currency: invoice.currency,
      method,
      ...(method === 'card' ? { card: { token: card ?? '' } } : {}),
    });
  };

  const field = fieldOfError(pay.error);
  const message = isApiError(pay.error) ? pay.error.message : undefined;
  const mayHaveGoneThrough = pay.mayHaveGoneThrough;

  return (
    <PaymentModal title={`Payment on invoice ${number}`} payment={pay} onClose={onClose}>
      {paid ? (
        <PaymentReceived
          title="Payment taken"
          onDone={onClose}
          below={
            <Text fw={600} data-testid="payment-new-balance">
              {balance.data
                ? `New balance due: ${formatMoney(balanceIn(balance.data, paid.currency).due, paid.currency)}`
                : balance.isError
                  ? 'The new balance could not be loaded.'
                  : 'Loading the new balance…'}
            </Text>
          }
        >
          <Text size="sm">
            {formatMoney(paid.amount, paid.currency)} by {paid.method === 'card' ? 'card' : 'cash'} for {patient.name}.
          </Text>
          {paid.credited > 0 && (
            <Text size="sm">{formatMoney(paid.credited, paid.currency)} is kept as credit on the account.</Text>
          )}
        </PaymentReceived>
      ) : (
        <PaymentForm
          onSubmit={submit}
          onCancel={onClose}
          pending={pay.isPending}
          submitLabel="Take payment"
          submitColor="teal.9"
        >
          <Text size="sm">
            Balance due on this invoice: <strong>{formatMoney(invoice.balanceDue, invoice.currency)}</strong>. A smaller
            amount is a partial payment.
          </Text>
          <TextInput
            label={`Amount (${invoice.currency})`}
            required
            inputMode="decimal"
            value={amount}
            onChange={(event) => setAmount(event.currentTarget.value)}
            error={amountError ?? (field === 'amount' ? message : undefined)}
            data-autofocus
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="payment-method-label">
              Method
            </Text>
            <SegmentedControl
              aria-labelledby="payment-method-label"
              value={method}
              onChange={(value) => setMethod(value as 'card' | 'cash')}
              data={[
                { value: 'card', label: 'Card' },
                { value: 'cash', label: 'Cash' },
              ]}
            />
          </Stack>
          {method === 'card' && (
            <Select
              label="Card (development gateway)"
              data={CARD_CHOICES}
              value={card}
              onChange={setCard}
              allowDeselect={false}
              error={field === 'card' ? message : undefined}
            />
          )}
          {pay.isError && !field && (
            <ErrorAlert
              title={
                mayHaveGoneThrough ? 'No answer yet: the payment may have been taken' : 'The payment was not taken'
              }
              error={pay.error}
            />
          )}
          {mayHaveGoneThrough && (
            <Text size="sm">Press Take payment again: the same payment is retried, never charged twice.</Text>
          )}
        </PaymentForm>
      )}
    </PaymentModal>
  );
}
