import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  myStatementApiWalletStatementGet,
  myWalletApiWalletGet,
  poolApiWalletPoolGet,
  poolStatementApiWalletPoolStatementGet,
  topUpApiWalletTopUpPost,
  transferApiWalletTransferPost,
  type TopUp,
  type Transfer,
} from '@/client';
import { unwrap } from '@/lib/api';

export type WalletView = 'mine' | 'pool';

export const walletQuery = queryOptions({
  queryKey: ['wallet', 'mine'],
  queryFn: () => unwrap(myWalletApiWalletGet()),
});

export const poolQuery = queryOptions({
  queryKey: ['wallet', 'pool'],
  queryFn: () => unwrap(poolApiWalletPoolGet()),
});

export function fetchStatement({ cursor, filters }: { cursor: string | null; filters: WalletView }) {
  const query = { cursor, limit: 25 };
  return unwrap(filters === 'pool' ? poolStatementApiWalletPoolStatementGet({ query }) : myStatementApiWalletStatementGet({ query }));
}

/** A fresh key per submitted form: a double click or a retry of the same form is one movement. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context (https or localhost); getRandomValues does not.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A token amount typed by a person ("1,000", "2500"): a positive whole number, or null. */
export function parseTokens(text: string): number | null {
  const cleaned = text.trim().replace(/[\s,._](?=\d{3}\b)/g, '');
  if (!/^\d+$/.test(cleaned)) return null;
  const value = Number(cleaned);
  return value >= 1 && Number.isSafeInteger(value) ? value : null;
}

export function useTopUp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: TopUp; key: string }) => unwrap(topUpApiWalletTopUpPost({ body, headers: { 'Idempotency-Key': key } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['wallet'] }),
  });
}

export function useTransfer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, key }: { body: Transfer; key: string }) => unwrap(transferApiWalletTransferPost({ body, headers: { 'Idempotency-Key': key } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['wallet'] }),
  });
}
