import { AppError } from '../../platform/http';

export const terminologyErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'TERMINOLOGY_INVALID_REQUEST', message, path ? { path } : undefined),
  unknownSystem: (system: string) =>
    new AppError(404, 'TERMINOLOGY_UNKNOWN_SYSTEM', `Code system ${system} is not loaded on this server`, {
      path: 'system',
    }),
};
