import { describe, expect, it } from 'vitest';
import {
  formatCents,
  formatCostNanos,
  formatDuration,
  formatMarkup,
  formatPricePerMillion,
  formatTokens,
  formatUsd,
  microToDollarsInput,
  parseDollarsToMicro,
} from './money';

describe('prices per million tokens (micro-dollars)', () => {
  it('shows dollars with cents, and more digits only when needed', () => {
    expect(formatPricePerMillion(2_500_000, 'en')).toBe('$2.50');
    expect(formatPricePerMillion(75_000, 'en')).toBe('$0.075');
    expect(formatPricePerMillion(150_000, 'en')).toBe('$0.15');
    expect(formatPricePerMillion(0, 'en')).toBe('$0.00');
    expect(formatPricePerMillion(15_000_000, 'es')).toMatch(/15,00\sUS\$/);
  });

  it('reads a typed price back to micro-dollars, refusing what is not one', () => {
    expect(parseDollarsToMicro('2.5')).toBe(2_500_000);
    expect(parseDollarsToMicro('$0.075')).toBe(75_000);
    expect(parseDollarsToMicro('2,50')).toBe(2_500_000);
    expect(parseDollarsToMicro(' 10 ')).toBe(10_000_000);
    expect(parseDollarsToMicro('-1')).toBeNull();
    expect(parseDollarsToMicro('abc')).toBeNull();
    expect(parseDollarsToMicro('')).toBeNull();
    expect(microToDollarsInput(2_500_000)).toBe('2.5');
    expect(microToDollarsInput(null)).toBe('');
  });
});

describe('costs (nano-dollars)', () => {
  it('keeps significant digits for the cost of one call', () => {
    expect(formatCostNanos(1_234_000, 'en')).toBe('$0.00123');
    expect(formatCostNanos(50, 'en')).toBe('$0.00000005');
    expect(formatCostNanos(0, 'en')).toBe('$0.00');
    expect(formatCostNanos(12_500_000_000, 'en')).toBe('$12.50');
  });

  it('formats plain dollars', () => {
    expect(formatUsd(1234.5, 'en')).toBe('$1,234.50');
  });
});

describe('levels, markups, tokens and durations', () => {
  it('formats a level price in its currency', () => {
    expect(formatCents(0, 'USD', 'en')).toBe('$0');
    expect(formatCents(1900, 'USD', 'en')).toBe('$19');
    expect(formatCents(1950, 'EUR', 'en')).toBe('€19.50');
  });

  it('signs markups', () => {
    expect(formatMarkup(2000, 'en')).toBe('+20%');
    expect(formatMarkup(-500, 'en')).toBe('-5%');
    expect(formatMarkup(0, 'en')).toBe('0%');
    expect(formatMarkup(1250, 'en')).toBe('+12.5%');
  });

  it('formats token counts exactly or compactly', () => {
    expect(formatTokens(100_000, 'en')).toBe('100,000');
    expect(formatTokens(100_000, 'en', true)).toBe('100K');
    expect(formatTokens(1_250_000, 'en', true)).toBe('1.3M');
    expect(formatTokens(-42, 'en')).toBe('-42');
  });

  it('formats durations in milliseconds or seconds', () => {
    expect(formatDuration(850, 'en')).toBe('850 ms');
    expect(formatDuration(1250, 'en')).toBe('1.3 sec');
    expect(formatDuration(null, 'en')).toBe('');
  });
});
