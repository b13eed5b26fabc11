import { AppError } from '../../platform/http';

export const notificationsErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'NOTIFICATIONS_INVALID_REQUEST', message, path ? { path } : undefined),
  notFound: (what: string) => new AppError(404, 'NOTIFICATIONS_NOT_FOUND', `${what} not found`),
  templateInvalid: (path: string, message: string) =>
    new AppError(422, 'NOTIFICATIONS_TEMPLATE_INVALID', `${path}: ${message}`, { path }),
  forbidden: (message: string) => new AppError(403, 'NOTIFICATIONS_FORBIDDEN', message),
};
