import { describe, expect, it } from 'vitest';
import { accidentalClose } from './payment-dialog';

describe('payment dialogs', () => {
  it('close on a click outside or Escape only when nothing is under way or to be read', () => {
    expect(accidentalClose({ isPending: false, isError: false })).toEqual({
      closeOnClickOutside: true,
      closeOnEscape: true,
    });
    // In flight, refused (a declined card), or no answer (the payment may have gone through).
    for (const state of [
      { isPending: true, isError: false },
      { isPending: false, isError: true },
    ]) {
      expect(accidentalClose(state)).toEqual({ closeOnClickOutside: false, closeOnEscape: false });
    }
  });
});
