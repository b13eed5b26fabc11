/**
 * The development payment gateway's test cards. The gateway takes a card as a token, never its number: a
 * real gateway turns the number into a token in the browser (its hosted fields), so card numbers never
 * reach Meridian. The development gateway knows two tokens, and `cardToken` plays the tokenising part
 * for their test numbers; any other number is refused here, before anything is sent.
 */
export const TEST_CARDS = [
  { token: 'tok_visa', number: '4242424242424242', label: 'Visa, approved' },
  { token: 'tok_declined', number: '4000000000000002', label: 'declined' },
] as const;

export interface CardInput {
  number: string;
  expiry: string;
  cvc: string;
}

export type CardErrors = Partial<Record<keyof CardInput, string>>;

/** `4242 4242 4242 4242` with a space every four digits, as a card shows it. */
export function groupCardNumber(number: string): string {
  return number.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** The Luhn check digit test every card number passes. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * The gateway token for a card typed into the form, or what is wrong with each field. The card must not
 * have expired by `now` (it is valid to the end of its expiry month).
 */
export function cardToken(
  input: CardInput,
  now: Date = new Date(),
): { ok: true; token: string } | { ok: false; errors: CardErrors } {
  const errors: CardErrors = {};
  const number = input.number.replace(/[\s-]/g, '');
  if (!number) errors.number = 'Enter the card number';
  else if (!/^\d{12,19}$/.test(number)) errors.number = 'A card number has 12 to 19 digits';
  else if (!luhnValid(number)) errors.number = 'This card number is not valid: check the digits';
  const expiry = /^\s*(\d{1,2})\s*\/?\s*(\d{2})\s*$/.exec(input.expiry);
  const month = expiry ? Number(expiry[1]) : 0;
  if (!input.expiry.trim()) errors.expiry = 'Enter the expiry date as MM/YY';
  else if (!expiry || month < 1 || month > 12) errors.expiry = 'Enter the expiry date as MM/YY, e.g. 04/29';
  else {
    const year = 2000 + Number(expiry[2]);
    const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
    if (year * 12 + (month - 1) < current) errors.expiry = 'This card has expired';
  }
  if (!/^\d{3,4}$/.test(input.cvc.trim())) errors.cvc = 'Enter the 3 or 4 digits on the back of the card';
  if (Object.keys(errors).length) return { ok: false, errors };
  const card = TEST_CARDS.find((candidate) => candidate.number === number);
  if (!card) {
    return {
      ok: false,
      errors: {
        number: `The development gateway takes only its test cards: ${TEST_CARDS.map((test) => groupCardNumber(test.number)).join(' or ')}`,
      },
    };
  }
  return { ok: true, token: card.token };
}
