import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  createApiKeyApiApiKeysPost,
  listApiKeysApiApiKeysGet,
  revokeApiKeyApiApiKeysKeyIdRevokePost,
  rotateApiKeyApiApiKeysKeyIdRotatePost,
  type ApiKeyCreate,
  type Scope,
} from '@/client';
import { unwrap } from '@/lib/api';

export const SCOPES: Scope[] = ['engines:execute', 'workflows:run', 'files:read', 'files:write', 'admin'];
export const EXPIRY_CHOICES = ['never', '7', '30', '90', '365'] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number];
export const GRACE_CHOICES = [0, 3600, 86400, 604800] as const;

export const fetchApiKeys = ({ cursor }: { cursor: string | null }) =>
  unwrap(listApiKeysApiApiKeysGet({ query: { cursor, limit: 25 } }));

/** The expiry timestamp for a choice of days from now (null: never expires). */
export function expiryFromChoice(choice: ExpiryChoice, now: Date = new Date()): string | null {
  if (choice === 'never') return null;
  return new Date(now.getTime() + Number(choice) * 24 * 3600 * 1000).toISOString();
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ApiKeyCreate) => unwrap(createApiKeyApiApiKeysPost({ body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
  });
}

export function useRotateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ keyId, graceSeconds }: { keyId: string; graceSeconds: number }) =>
      unwrap(rotateApiKeyApiApiKeysKeyIdRotatePost({ path: { key_id: keyId }, body: { grace_seconds: graceSeconds } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => unwrap(revokeApiKeyApiApiKeysKeyIdRevokePost({ path: { key_id: keyId } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
  });
}
