import { describe, expect, it, vi } from 'vitest';
import { createInvitationApiInvitationsPost, readMeApiMeGet, revokeInvitationApiInvitationsInvitationIdDelete, updateMeApiMePatch } from '@/client';
import { createClient, createConfig } from '@/client/client';
import { configureClient, requestHeaders, unwrap, type ClientSettings } from './api';
import { ApiError } from './problem';

function setup(overrides: Partial<ClientSettings> = {}, respond: (request: Request) => Response | Promise<Response> = () => Response.json({})) {
  const requests: Request[] = [];
  const client = createClient(createConfig());
  configureClient(
    {
      language: () => 'ar',
      bearer: () => null,
      fallback: (key) => `fallback:${key}`,
      cookies: () => 'theme=dark; athanor_csrf=csrf-123; other=x',
      baseUrl: 'http://athanor.test',
      ...overrides,
    },
    client,
  );
  const fetch = vi.fn(async (request: Request) => {
    requests.push(request);
    return respond(request);
  });
  client.setConfig({ fetch: fetch as unknown as typeof globalThis.fetch });
  return { client, requests };
}

describe('the configured API client', () => {
  it('sends the CSRF cookie as a header on unsafe methods only', async () => {
    const { client, requests } = setup();
    await readMeApiMeGet({ client });
    await createInvitationApiInvitationsPost({ client, body: { email: 'a@example.com' } });
    await updateMeApiMePatch({ client, body: { locale: 'es' } });
    await revokeInvitationApiInvitationsInvitationIdDelete({ client, path: { invitation_id: 'i1' } });
    expect(requests.map((r) => [r.method, r.headers.get('X-CSRF-Token')])).toEqual([
      ['GET', null],
      ['POST', 'csrf-123'],
      ['PATCH', 'csrf-123'],
      ['DELETE', 'csrf-123'],
    ]);
  });

  it('uses the same origin with credentials and the UI language', async () => {
    let language = 'ar';
    const { client, requests } = setup({ language: () => language });
    await readMeApiMeGet({ client });
    language = 'es';
    await readMeApiMeGet({ client });
    expect(requests[0]!.url).toBe('http://athanor.test/api/me');
    expect(requests[0]!.credentials).toBe('include');
    expect(requests.map((r) => r.headers.get('Accept-Language'))).toEqual(['ar', 'es']);
  });

  it('sends no CSRF header when the cookie is missing', async () => {
    const { client, requests } = setup({ cookies: () => '' });
    await createInvitationApiInvitationsPost({ client, body: { email: 'a@example.com' } });
    expect(requests[0]!.headers.has('X-CSRF-Token')).toBe(false);
  });

  it('sends the impersonation token as a bearer when there is one', async () => {
    const { client, requests } = setup({ bearer: () => 'imp-token' });
    await readMeApiMeGet({ client });
    expect(requests[0]!.headers.get('Authorization')).toBe('Bearer imp-token');
  });

  it('turns a problem+json response into an ApiError with field errors', async () => {
    const problem = {
      type: 'about:blank',
      title: 'Invalid',
      status: 422,
      code: 'validation_error',
      detail: 'La solicitud no es válida.',
      errors: [{ field: 'body.email', code: 'value_error', message: 'Correo no válido' }],
    };
    const { client } = setup({}, () => new Response(JSON.stringify(problem), { status: 422, headers: { 'Content-Type': 'application/problem+json' } }));
    const error = await unwrap(createInvitationApiInvitationsPost({ client, body: { email: 'nope' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: 'validation_error', detail: 'La solicitud no es válida.', fieldErrors: { email: 'Correo no válido' } });
  });

  it('reports a network failure with the translated fallback', async () => {
    const { client } = setup({}, () => {
      throw new TypeError('Failed to fetch');
    });
    const error = await unwrap(readMeApiMeGet({ client })).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: 'network', detail: 'fallback:network' });
  });

  it('returns the data of a successful call', async () => {
    const { client } = setup({}, () => Response.json({ user: { id: 'u1' } }));
    await expect(unwrap(readMeApiMeGet({ client }))).resolves.toEqual({ user: { id: 'u1' } });
  });

  it('gives the same headers to calls made outside the client (uploads with progress)', () => {
    const settings: ClientSettings = { language: () => 'es', bearer: () => 'tok', fallback: () => '', cookies: () => 'athanor_csrf=abc' };
    expect(requestHeaders('PUT', settings)).toEqual({ 'Accept-Language': 'es', Authorization: 'Bearer tok', 'X-CSRF-Token': 'abc' });
    expect(requestHeaders('GET', settings)).toEqual({ 'Accept-Language': 'es', Authorization: 'Bearer tok' });
    expect(requestHeaders('PUT', { ...settings, bearer: () => null, cookies: () => '' })).toEqual({ 'Accept-Language': 'es' });
  });
});
