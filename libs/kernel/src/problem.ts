import { AppError, ErrorKind, FieldError } from './app-error';

/** RFC 9457 problem details, with our stable `code` and field errors as extensions. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const KINDS: Record<ErrorKind, { status: number; title: string }> = {
  validation: { status: 400, title: 'Bad Request' },
  unauthenticated: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not Found' },
  conflict: { status: 409, title: 'Conflict' },
  'payload-too-large': { status: 413, title: 'Payload Too Large' },
  'rate-limited': { status: 429, title: 'Too Many Requests' },
  unavailable: { status: 503, title: 'Service Unavailable' },
};

export function statusOf(kind: ErrorKind): number {
  return KINDS[kind].status;
}

export function problemFromError(err: AppError, instance?: string, requestId?: string): Problem {
  const { status, title } = KINDS[err.kind];
  return {
    ...err.extensions,
    type: `https://crm.dev/problems/${err.code.toLowerCase().replace(/[._]/g, '-')}`,
    title,
    status,
    detail: err.message,
    code: err.code,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(err.errors.length ? { errors: err.errors } : {}),
  };
}

/** For statuses that reach us without an AppError (framework errors). */
export function problemFromStatus(status: number, code: string, detail: string, instance?: string, requestId?: string): Problem {
  const kind = (Object.keys(KINDS) as ErrorKind[]).find((k) => KINDS[k].status === status);
  return {
    type: `https://crm.dev/problems/${code.toLowerCase().replace(/[._]/g, '-')}`,
    title: kind ? KINDS[kind].title : status >= 500 ? 'Internal Server Error' : 'Error',
    status,
    detail,
    code,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
  };
}
