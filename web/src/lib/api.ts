// Configures the generated client: same origin, cookies, CSRF header on unsafe methods,
// Accept-Language from the UI, an impersonation bearer token when one is active, and
// problem+json errors turned into ApiError.
import type { Client } from '@/client/client';
import { client as defaultClient } from '@/client/client.gen';
import { readCookie } from './cookies';
import { ApiError, toApiError } from './problem';

export const CSRF_COOKIE = 'athanor_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface ClientSettings {
  /** The UI's current language, sent as Accept-Language so errors come back translated. */
  language: () => string;
  /** A bearer token to send instead of the cookie session (impersonation), if any. */
  bearer: () => string | null;
  /** Translated fallback messages for errors without a problem body. */
  fallback: (key: 'network' | 'unknown') => string;
  /** Read the cookies (injected by tests). */
  cookies?: () => string;
  baseUrl?: string;
}

let configuredFallback: ClientSettings['fallback'] = (key) => (key === 'network' ? 'Network error' : 'Error');
let configuredSettings: ClientSettings | null = null;

/** The translated fallback messages the client was configured with (for the SSE helper). */
export function clientFallback(key: 'network' | 'unknown'): string {
  return configuredFallback(key);
}

/** The headers every call carries: the UI language, the impersonation token, and the CSRF
 * token on unsafe methods. */
export function requestHeaders(method: string, settings: ClientSettings | null = configuredSettings): Record<string, string> {
  if (!settings) return {};
  const headers: Record<string, string> = { 'Accept-Language': settings.language() };
  const bearer = settings.bearer();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (UNSAFE_METHODS.has(method.toUpperCase())) {
    const csrf = readCookie(CSRF_COOKIE, settings.cookies ? settings.cookies() : undefined);
    if (csrf) headers[CSRF_HEADER] = csrf;
  }
  return headers;
}

export function configureClient(settings: ClientSettings, client: Client = defaultClient): Client {
  configuredFallback = settings.fallback;
  configuredSettings = settings;
  client.setConfig({
    baseUrl: settings.baseUrl ?? (typeof window === 'undefined' ? '' : window.location.origin),
    credentials: 'include',
  });
  client.interceptors.request.use((request) => {
    for (const [name, value] of Object.entries(requestHeaders(request.method, settings))) request.headers.set(name, value);
    return request;
  });
  client.interceptors.error.use((error, response) => toApiError(error, response, settings.fallback));
  return client;
}

type SdkResult<T> = { data?: T; error?: unknown; response?: Response };

/** The data of an SDK call, or throws its ApiError. */
export async function unwrap<T>(call: Promise<SdkResult<T>>): Promise<T> {
  const result = await call;
  if (result.error !== undefined || !result.response || !result.response.ok) {
    if (result.error instanceof ApiError) throw result.error;
    throw toApiError(result.error, result.response, () => 'Error');
  }
  return result.data as T;
}
