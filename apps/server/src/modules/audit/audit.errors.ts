import { AppError } from '../../platform/http';

/** Error codes of the audit module (also listed in docs/errors.md). */
export const AUDIT_ERROR_CODES = ['AUDIT_INVALID_QUERY'] as const;

export const auditErrors = {
  invalidQuery: (message: string, parameter: string) =>
    new AppError(400, 'AUDIT_INVALID_QUERY', message, { parameter }),
};
