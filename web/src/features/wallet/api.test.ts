import { describe, expect, it } from 'vitest';
import { newIdempotencyKey, parseTokens } from './api';

describe('idempotency keys', () => {
  it('are fresh UUIDs', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });

  it('are made from random bytes where randomUUID is missing (plain http)', () => {
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      expect(newIdempotencyKey()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      delete (crypto as { randomUUID?: unknown }).randomUUID;
    }
  });
});

describe('parseTokens', () => {
  it('reads whole positive amounts, with thousands separators', () => {
    expect(parseTokens('2500')).toBe(2500);
    expect(parseTokens(' 1,000 ')).toBe(1000);
    expect(parseTokens('1.000.000')).toBe(1_000_000);
    expect(parseTokens('0')).toBeNull();
    expect(parseTokens('-5')).toBeNull();
    expect(parseTokens('1.5')).toBeNull();
    expect(parseTokens('')).toBeNull();
  });
});
