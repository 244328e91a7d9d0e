import { describe, expect, it } from 'vitest';
import { formatBytes, formatCurrency, formatDate, formatNumber, formatRelative, isolate } from './format';

describe('locale formatting', () => {
  it('formats numbers and currencies per locale', () => {
    expect(formatNumber(1234.5, 'en')).toBe('1,234.5');
    expect(formatNumber(1234.5, 'es')).toMatch(/1\.?234,5/);
    expect(formatNumber(12, 'ar')).toMatch(/[٠-٩]{2}|12/);
    expect(formatCurrency(10, 'USD', 'en')).toBe('$10.00');
    expect(formatCurrency(10, 'EUR', 'es')).toMatch(/10,00\s€/);
  });

  it('formats dates per locale and tolerates empty values', () => {
    const date = new Date(Date.UTC(2026, 2, 14, 12));
    expect(formatDate(date, 'en', { dateStyle: 'long', timeZone: 'UTC' })).toBe('March 14, 2026');
    expect(formatDate(date, 'es', { dateStyle: 'long', timeZone: 'UTC' })).toBe('14 de marzo de 2026');
    expect(formatDate(null, 'en')).toBe('');
    expect(formatDate('not a date', 'en')).toBe('');
  });

  it('formats relative times', () => {
    const now = new Date('2026-01-10T12:00:00Z');
    expect(formatRelative(new Date('2026-01-10T09:00:00Z'), 'en', now)).toBe('3 hours ago');
    expect(formatRelative(new Date('2026-01-09T12:00:00Z'), 'es', now)).toBe('ayer');
  });
});

describe('formatBytes', () => {
  it('uses binary multiples, a few significant digits and the language\'s unit', () => {
    expect(formatBytes(0, 'en')).toBe('0 bytes');
    expect(formatBytes(1, 'en')).toBe('1 byte');
    expect(formatBytes(1023, 'en')).toBe('1,023 bytes');
    expect(formatBytes(1536, 'en')).toBe('1.5 kB');
    expect(formatBytes(64 * 1024 * 1024, 'en')).toBe('64 MB');
    expect(formatBytes(1.25 * 1024 ** 3, 'en')).toBe('1.25 GB');
    expect(formatBytes(150 * 1024 ** 2 + 1, 'en')).toBe('150 MB');
    expect(formatBytes(1536, 'es')).toMatch(/1,5\skB/);
    expect(formatBytes(-5, 'en')).toBe('0 bytes');
  });
});

describe('isolate', () => {
  it('wraps a value in first-strong isolates so bidi reordering leaves it whole', () => {
    expect(isolate('25/11/2026')).toBe('\u206825/11/2026\u2069');
    expect(isolate('')).toBe('');
  });
});
