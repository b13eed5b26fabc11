import { Alert, SimpleGrid, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, type CSSProperties, useState } from 'react';
import { useApi } from '../api/useApi';
import { formatMoney, minorToInput, parseAmountInput } from '../billing/money';
import { invoiceNumber } from '../payments/invoice-number';
import { PaymentForm } from '../payments/PaymentForm';
import { PaymentModal } from '../payments/PaymentModal';
import { PaymentReceived } from '../payments/PaymentReceived';
import { type CardErrors, cardToken, groupCardNumber, TEST_CARDS } from '../payments/test-cards';
import { usePaymentAttempt } from '../payments/usePaymentAttempt';
import { type PortalInvoice, type PortalPayment, payInvoice } from './portal-api';
import { paidMessage, paymentRefusal } from './portal-invoices';
import { portalKeys } from './usePortal';

const ERROR_COLOR = { '--mantine-color-error': 'var(--mantine-color-red-9)' } as CSSProperties;

/**
 * A patient pays one of their invoices by card: the amount starts at the balance and may be lowered
 * (a partial payment). One Idempotency-Key per attempt, so a double click or a retry after a dropped
 * connection never charges the card twice. `invoice` is the row as the list shows it now; the balance
 * the patient saw when opening the dialog is the one the amount is checked against here (the server
 * checks again against the balance of the moment).
 */
export function PayInvoiceDialog({
  invoice,
  patientId,
  onClose,
}: {
  invoice: PortalInvoice;
  patientId: string;
  onClose: () => void;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const number = invoiceNumber(invoice.id);
  const [shown] = useState(() => ({ balance: invoice.openBalance, currency: invoice.currency }));
  const [amount, setAmount] = useState(minorToInput(shown.balance, shown.currency));
  const [card, setCard] = useState({ number: '', expiry: '', cvc: '' });
  const [amountError, setAmountError] = useState<string | undefined>();
  const [cardErrors, setCardErrors] = useState<CardErrors>({});
  const [paid, setPaid] = useState<PortalPayment | null>(null);

  const pay = usePaymentAttempt(
    (request: { amount: number; token: string }, key: string) => payInvoice(api, invoice.id, request, key),
    {
      onSuccess: async (payment: PortalPayment) => {
        // The confirmation shows the balance the server now has, so wait for the list to be fresh.
        await queryClient.invalidateQueries({ queryKey: portalKeys.invoices(patientId) });
        setPaid(payment);
      },
    },
  );

  const parsedAmount = parseAmountInput(amount, shown.currency);
  const submit = () => {
    if (pay.isPending) return;
    const token = cardToken(card);
    let amountProblem = parsedAmount.ok ? undefined : parsedAmount.error;
    if (parsedAmount.ok && parsedAmount.minor > shown.balance)
      amountProblem = `You can pay at most ${formatMoney(shown.balance, shown.currency)} on this invoice.`;
    setAmountError(amountProblem);
    setCardErrors(token.ok ? {} : token.errors);
    if (amountProblem || !token.ok || !parsedAmount.ok) return;
    pay.submit({ amount: parsedAmount.minor, token: token.token });
  };

  const refusal = pay.isError && !pay.mayHaveGoneThrough ? paymentRefusal(pay.error) : undefined;
  const field = (name: keyof typeof card) => ({
    value: card[name],
    onChange: (event: ChangeEvent<HTMLInputElement>) => {
      const value = event.currentTarget.value;
      setCard((current) => ({ ...current, [name]: value }));
      setCardErrors(({ [name]: _changed, ...others }) => others);
    },
  });

  return (
    <PaymentModal title={`Pay invoice ${number}`} payment={pay} onClose={onClose}>
      {paid ? (
        <PaymentReceived title="Payment received" onDone={onClose}>
          {paidMessage(paid.amount, paid.currency, invoice.openBalance)}
        </PaymentReceived>
      ) : (
        <PaymentForm
          noValidate
          // Mantine's default error red is too light on white for small text (WCAG AA).
          style={ERROR_COLOR}
          onSubmit={submit}
          onCancel={onClose}
          pending={pay.isPending}
          submitLabel={parsedAmount.ok ? `Pay ${formatMoney(parsedAmount.minor, shown.currency)}` : 'Pay'}
        >
          <Text size="sm">
            Balance on this invoice: <strong>{formatMoney(shown.balance, shown.currency)}</strong>. You may pay all of
            it or a part.
          </Text>
          <TextInput
            label={`Amount (${shown.currency})`}
            required
            inputMode="decimal"
            value={amount}
            onChange={(event) => {
              setAmount(event.currentTarget.value);
              setAmountError(undefined);
            }}
            error={amountError ?? (refusal?.field === 'amount' ? refusal.message : undefined)}
            data-autofocus
          />
          <TextInput
            label="Card number"
            required
            inputMode="numeric"
            autoComplete="cc-number"
            placeholder="1234 1234 1234 1234"
            error={cardErrors.number ?? (refusal?.field === 'card' ? refusal.message : undefined)}
            {...field('number')}
          />
          <SimpleGrid cols={2}>
            <TextInput
              label="Expiry (MM/YY)"
              required
              inputMode="numeric"
              autoComplete="cc-exp"
              placeholder="MM/YY"
              error={cardErrors.expiry}
              {...field('expiry')}
            />
            <TextInput
              label="Security code"
              required
              inputMode="numeric"
              autoComplete="cc-csc"
              error={cardErrors.cvc}
              {...field('cvc')}
            />
          </SimpleGrid>
          <Text size="xs" c="dimmed">
            Development payment gateway: test cards{' '}
            {TEST_CARDS.map((test) => `${groupCardNumber(test.number)} (${test.label})`).join(' and ')}, any future
            expiry and any three digits. Your card number is not sent to the clinic, only the gateway's token.
          </Text>
          {refusal && !refusal.field && (
            <Alert
              color="red"
              variant="light"
              title={refusal.title}
              icon={<IconAlertTriangle aria-hidden />}
              role="alert"
            >
              {refusal.message}
            </Alert>
          )}
          {refusal?.field && (
            <Text size="sm" c="red.9" fw={600} role="alert">
              {refusal.title}
            </Text>
          )}
          {pay.mayHaveGoneThrough && (
            <Alert
              color="yellow"
              variant="light"
              title="No answer yet: your payment may have gone through"
              icon={<IconAlertTriangle aria-hidden />}
              role="alert"
            >
              Press Pay again: the same payment is retried and never charged twice.
            </Alert>
          )}
        </PaymentForm>
      )}
    </PaymentModal>
  );
}
