import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/api-error';
import { fieldMessage, placeOf } from './list-errors';

const refusal = (message: string, path?: string) =>
  new ApiError(400, message, [], 'req-1', 'CLINICAL_LIST_INVALID_REQUEST', path ? { path } : {});

describe('a refusal on the field it names', () => {
  it('finds the field by the first part of the path, or by the form’s own mapping', () => {
    const error = refusal('reactions.0.severity: must be mild, moderate or severe', 'reactions.0.severity');
    expect(placeOf(error, ['substance', 'reactions'] as const)).toBe('reactions');
    expect(placeOf(error, ['substance'] as const)).toBeUndefined();
    expect(
      placeOf(refusal('abatement: must not be before the onset', 'abatement'), (path) =>
        path === 'abatement' ? 'date' : undefined,
      ),
    ).toBe('date');
    // No path, or not a server refusal at all: for the form's alert.
    expect(
      placeOf(refusal('The patient is recorded as having no known allergy'), ['substance'] as const),
    ).toBeUndefined();
    expect(placeOf(new Error('network'), ['substance'] as const)).toBeUndefined();
  });

  it('drops the path the server put in front, since the field says it already', () => {
    expect(fieldMessage(refusal('date: must not be before the onset (2019-04-02)', 'date'))).toBe(
      'Must not be before the onset (2019-04-02)',
    );
    expect(fieldMessage(refusal('systems.1.finding: an abnormal system needs the finding', 'systems.1.finding'))).toBe(
      'An abnormal system needs the finding',
    );
    expect(fieldMessage(refusal('A problem entered in error stays so', 'verificationStatus'))).toBe(
      'A problem entered in error stays so',
    );
  });
});
