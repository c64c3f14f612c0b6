/** A field-level validation problem, named by its path in the request (e.g. `roleIds[0]`). */
export interface FieldError {
  field: string;
  message: string;
}

export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'payload-too-large'
  | 'rate-limited'
  | 'unavailable';

/**
 * The one error type business code throws. `code` is stable and documented (e.g.
 * `USER.USERNAME_TAKEN`); the HTTP layer maps `kind` to a status once (see problem.ts).
 */
export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    /** Extension members of the problem details (RFC 9457 §3.2), e.g. a duplicate check's candidates. */
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const validationError = (errors: FieldError[], message = 'The request has invalid fields.') =>
  new AppError('validation', 'REQUEST.INVALID', message, errors);
export const notFound = (code: string, message: string) => new AppError('not-found', code, message);
export const conflict = (code: string, message: string, errors: FieldError[] = []) => new AppError('conflict', code, message, errors);
export const forbidden = (code: string, message: string) => new AppError('forbidden', code, message);
export const unauthenticated = (code: string, message: string) => new AppError('unauthenticated', code, message);
