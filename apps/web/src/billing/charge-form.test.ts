import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import { fieldOfError, splitCodes } from './charge-form';

describe('charge form', () => {
  it('splits codes a person typed', () => {
    expect(splitCodes('J20.9, r05.9 ;Z00.00')).toEqual(['J20.9', 'R05.9', 'Z00.00']);
    expect(splitCodes('  ')).toEqual([]);
  });
  it("finds the field a server's problem names", () => {
    const error = new ApiError(
      400,
      'diagnoses.1: must be an ICD-10-CM code',
      [],
      undefined,
      'BILLING_INVALID_REQUEST',
      {
        path: 'diagnoses.1',
      },
    );
    expect(fieldOfError(error)).toBe('diagnoses');
    expect(fieldOfError(new ApiError(409, 'conflict', [], undefined))).toBeUndefined();
    expect(fieldOfError(new Error('x'))).toBeUndefined();
  });
});
