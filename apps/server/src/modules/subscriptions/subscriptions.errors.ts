import { AppError } from '../../platform/http';

export const subscriptionsErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'SUBSCRIPTIONS_INVALID_REQUEST', message, path ? { path } : undefined),
  notFound: (what: string) => new AppError(404, 'SUBSCRIPTIONS_NOT_FOUND', `${what} not found`),
};
