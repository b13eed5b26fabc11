import { AppError } from '../../platform/http';

export const noteErrors = {
  invalidRequest: (message: string, path?: string) =>
    new AppError(400, 'NOTE_INVALID_REQUEST', message, path ? { path } : undefined),
  notFound: (id: string) => new AppError(404, 'NOTE_NOT_FOUND', `No note '${id}'`),
  signed: (id: string) =>
    new AppError(409, 'NOTE_SIGNED', `Note ${id} is signed and read-only; correct it with an addendum`, {
      addenda: `/notes/${id}/addenda`,
    }),
  notSigned: (id: string) =>
    new AppError(409, 'NOTE_NOT_SIGNED', `Note ${id} is still a draft: edit it instead of adding an addendum`),
  notAuthor: (what: string) => new AppError(403, 'NOTE_NOT_AUTHOR', `Only the note's author may ${what} it`),
  signerRequired: () => new AppError(401, 'NOTE_SIGNER_REQUIRED', 'Sign in to write or sign a note'),
  empty: () => new AppError(422, 'NOTE_EMPTY', 'The note has no content to sign', { path: 'sections' }),
  conflict: () => new AppError(409, 'NOTE_CONFLICT', 'The note was changed by another request at the same time; retry'),
  referenceNotFound: (path: string, reference: string) =>
    new AppError(422, 'NOTE_REFERENCE_NOT_FOUND', `${path}: ${reference} does not exist`, { path }),
  referenceMismatch: (path: string, message: string) =>
    new AppError(422, 'NOTE_REFERENCE_MISMATCH', `${path}: ${message}`, { path }),
};
