import { describe, expect, it } from 'vitest';
import { cardToken, groupCardNumber, luhnValid } from './test-cards';

const now = new Date('2026-05-15T12:00:00Z');
const card = (overrides: Partial<{ number: string; expiry: string; cvc: string }> = {}) => ({
  number: '4242 4242 4242 4242',
  expiry: '12/29',
  cvc: '123',
  ...overrides,
});

describe('the development gateway’s test cards', () => {
  it('turns the test numbers into the gateway’s tokens, spaces and dashes allowed', () => {
    expect(cardToken(card(), now)).toEqual({ ok: true, token: 'tok_visa' });
    expect(cardToken(card({ number: '4000-0000-0000-0002', expiry: '5/26', cvc: '1234' }), now)).toEqual({
      ok: true,
      token: 'tok_declined',
    });
  });

  it('says what is wrong with each field', () => {
    expect(cardToken({ number: '', expiry: '', cvc: '' }, now)).toEqual({
      ok: false,
      errors: {
        number: 'Enter the card number',
        expiry: 'Enter the expiry date as MM/YY',
        cvc: 'Enter the 3 or 4 digits on the back of the card',
      },
    });
    expect(cardToken(card({ number: '4242 4242 4242 4241' }), now)).toMatchObject({
      errors: { number: 'This card number is not valid: check the digits' },
    });
    expect(cardToken(card({ number: '4242' }), now)).toMatchObject({
      errors: { number: 'A card number has 12 to 19 digits' },
    });
    expect(cardToken(card({ expiry: '13/29' }), now)).toMatchObject({
      errors: { expiry: expect.stringMatching(/MM\/YY/) },
    });
    expect(cardToken(card({ expiry: '04/26' }), now)).toMatchObject({ errors: { expiry: 'This card has expired' } });
    expect(cardToken(card({ cvc: '12' }), now)).toMatchObject({ errors: { cvc: expect.any(String) } });
  });

  it('refuses a valid card that is not one of the test cards, naming the test cards', () => {
    const other = cardToken(card({ number: '5555 5555 5555 4444' }), now);
    expect(other).toEqual({
      ok: false,
      errors: {
        number: 'The development gateway takes only its test cards: 4242 4242 4242 4242 or 4000 0000 0000 0002',
      },
    });
  });

  it('checks Luhn digits and groups numbers by four', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4000000000000002')).toBe(true);
    expect(luhnValid('4242424242424243')).toBe(false);
    expect(groupCardNumber('4000000000000002')).toBe('4000 0000 0000 0002');
  });
});
