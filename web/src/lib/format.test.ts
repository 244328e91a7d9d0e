import { describe, expect, it } from 'vitest';
import { formatCurrency, formatDate, formatNumber, formatRelative, isolate } from './format';

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

describe('isolate', () => {
  it('wraps a value in first-strong isolates so bidi reordering leaves it whole', () => {
    expect(isolate('25/11/2026')).toBe('\u206825/11/2026\u2069');
    expect(isolate('')).toBe('');
  });
});
