import { describe, expect, it } from 'vitest';
import { ApiError, fieldError, problemFieldName, toApiError, unplacedFieldErrors } from './problem';

const fallback = (key: 'network' | 'unknown') => `t:${key}`;
const response = (status: number) => new Response(null, { status });

describe('problem+json mapping', () => {
  it('maps problem field locations to form field names', () => {
    expect(problemFieldName('body.email')).toBe('email');
    expect(problemFieldName('body.settings.theme.colours.primary')).toBe('settings.theme.colours.primary');
    expect(problemFieldName('query.limit')).toBe('limit');
    expect(problemFieldName('body')).toBe('');
    expect(problemFieldName('name')).toBe('name');
  });

  it('keeps the detail, code and the first message per field', () => {
    const error = toApiError(
      {
        type: 'x',
        title: 'Invalid',
        status: 422,
        code: 'validation_error',
        detail: 'Check the form.',
        request_id: 'r1',
        errors: [
          { field: 'body.email', code: 'a', message: 'Email is invalid' },
          { field: 'body.email', code: 'b', message: 'second' },
          { field: 'body.password', code: 'c', message: 'Too short' },
        ],
      },
      response(422),
      fallback,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('Check the form.');
    expect(error.fieldErrors).toEqual({ email: 'Email is invalid', password: 'Too short' });
    expect(error.requestId).toBe('r1');
    expect(fieldError(error, 'email')).toBe('Email is invalid');
    expect(fieldError(error, 'name')).toBeUndefined();
    expect(fieldError(new Error('x'), 'email')).toBeUndefined();
  });

  it('lists field errors that no input on the form shows', () => {
    const error = new ApiError({ status: 422, code: 'v', detail: 'd', fieldErrors: { email: 'bad', slug: 'taken', '': 'whole body' } });
    expect(unplacedFieldErrors(error, ['email'])).toEqual(['slug: taken', 'whole body']);
    expect(unplacedFieldErrors(null, ['email'])).toEqual([]);
  });

  it('falls back for bodies that are not problems, and for network failures', () => {
    expect(toApiError('<html>Bad gateway</html>', response(502), fallback)).toMatchObject({ status: 502, code: 'http.502', detail: 't:unknown' });
    expect(toApiError(new TypeError('offline'), undefined, fallback)).toMatchObject({ status: 0, code: 'network', detail: 't:network' });
    const existing = new ApiError({ status: 1, code: 'c', detail: 'd' });
    expect(toApiError(existing, undefined, fallback)).toBe(existing);
  });
});
