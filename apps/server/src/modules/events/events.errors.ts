import { AppError } from '../../platform/http';

export const eventsErrors = {
  invalidQuery: (message: string, path: string) => new AppError(400, 'EVENTS_INVALID_QUERY', message, { path }),
  deadLetterNotFound: (id: string) =>
    new AppError(404, 'EVENTS_DEAD_LETTER_NOT_FOUND', `No dead letter ${id} in this tenant`, { path: 'id' }),
};
