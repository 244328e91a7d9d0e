// RFC 9457 problem+json responses turned into an Error the UI can show: `detail` is the
// (server-translated) message, and field errors are keyed by form field name.
import type { Problem } from '@/client';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fieldErrors: Record<string, string>;
  readonly requestId: string | null;

  constructor(init: { status: number; code: string; detail: string; fieldErrors?: Record<string, string>; requestId?: string | null }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.fieldErrors = init.fieldErrors ?? {};
    this.requestId = init.requestId ?? null;
  }
}

/**
 * The form field a problem's `field` points at: `body.email` -> `email`,
 * `body.settings.theme.colours.primary` -> `settings.theme.colours.primary`,
 * `query.limit` -> `limit`. A bare `body` (the whole payload) maps to `''`.
 */
export function problemFieldName(location: string): string {
  const parts = location.split('.');
  if (['body', 'query', 'path', 'header', 'cookie'].includes(parts[0] ?? '')) parts.shift();
  return parts.join('.');
}

export function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && 'code' in body && 'detail' in body;
}

/** The ApiError of a problem+json body (also sent inside a stream's `error` event). */
export function problemError(body: Problem, status: number, fallback: (key: 'network' | 'unknown') => string): ApiError {
  const fieldErrors: Record<string, string> = {};
  for (const e of body.errors ?? []) {
    const name = problemFieldName(e.field);
    // Keep the first message per field: it is the most specific one the server found.
    if (!(name in fieldErrors)) fieldErrors[name] = e.message;
  }
  return new ApiError({
    status: body.status ?? status,
    code: body.code,
    detail: body.detail || fallback('unknown'),
    fieldErrors,
    requestId: body.request_id ?? null,
  });
}

/**
 * An ApiError from whatever the client received: a problem+json body, another body, or a
 * network failure (no response). `fallback` is the translated text for errors without a
 * usable detail.
 */
export function toApiError(body: unknown, response: Response | undefined, fallback: (key: 'network' | 'unknown') => string): ApiError {
  if (body instanceof ApiError) return body;
  if (!response) {
    return new ApiError({ status: 0, code: 'network', detail: fallback('network') });
  }
  if (isProblem(body)) return problemError(body, response.status, fallback);
  return new ApiError({ status: response.status, code: `http.${response.status}`, detail: fallback('unknown') });
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** The message for a field, if the error carries one for it. */
export function fieldError(error: unknown, field: string): string | undefined {
  return isApiError(error) ? error.fieldErrors[field] : undefined;
}

/** Field errors whose field no input on the form shows: they are listed with the detail. */
export function unplacedFieldErrors(error: unknown, shownFields: readonly string[]): string[] {
  if (!isApiError(error)) return [];
  return Object.entries(error.fieldErrors)
    .filter(([name]) => !shownFields.includes(name))
    .map(([name, message]) => (name ? `${name}: ${message}` : message));
}
