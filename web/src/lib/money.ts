// Money and tokens as the API sends them, formatted for people.
//
// - Model prices are integer micro-dollars per million tokens: 2_500_000 is "$2.50" per 1M.
// - Call costs are integer nano-dollars (`cost_nanos`): 1_234_000 is "$0.0012".
// - Level prices are cents with an ISO currency.
// - Price markups are basis points: 2_000 is "+20%".
import { useTranslation } from 'react-i18next';

export const MICRO = 1_000_000;
export const NANO = 1_000_000_000;

/** Dollars with cents, and more digits only when the amount needs them (prices of $0.075). */
export function formatUsd(dollars: number, locale: string): string {
  const abs = Math.abs(dollars);
  if (abs > 0 && abs < 0.01) {
    // Tiny amounts (one call's cost): a few significant digits instead of "$0.00".
    return new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', maximumSignificantDigits: 3 }).format(dollars);
  }
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(dollars);
}

/** A price per million tokens (micro-dollars) as dollars. */
export function formatPricePerMillion(micro: number, locale: string): string {
  return formatUsd(micro / MICRO, locale);
}

/** A call's cost (nano-dollars) as dollars. */
export function formatCostNanos(nanos: number, locale: string): string {
  return formatUsd(nanos / NANO, locale);
}

/** Dollars typed by a person ("2.5", "2,50", "$0.075") as micro-dollars; null when not a price. */
export function parseDollarsToMicro(text: string): number | null {
  const cleaned = text.trim().replace(/[$\s\u00a0]/g, '').replace(',', '.');
  if (!/^\d+(\.\d{0,6})?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * MICRO);
}

/** Micro-dollars as the plain number a price input shows ("2.5"). */
export function microToDollarsInput(micro: number | null | undefined): string {
  if (micro === null || micro === undefined) return '';
  return String(micro / MICRO);
}

/** A level's price (cents of `currency`). */
export function formatCents(cents: number, currency: string, locale: string): string {
  const whole = cents % 100 === 0;
  return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 }).format(cents / 100);
}

/** A markup in basis points as a signed percentage: 2000 -> "+20%", -500 -> "-5%". */
export function formatMarkup(bps: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'percent', signDisplay: 'exceptZero', maximumFractionDigits: 2 }).format(bps / 10_000);
}

/** A token count: exact ("12,345"), or compact for figures in cards ("12K"). */
export function formatTokens(tokens: number, locale: string, compact = false): string {
  return new Intl.NumberFormat(locale, compact ? { notation: 'compact', maximumFractionDigits: 1 } : { maximumFractionDigits: 0 }).format(tokens);
}

/** Milliseconds as "850 ms" or "1.2 s". */
export function formatDuration(ms: number | null | undefined, locale: string): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return new Intl.NumberFormat(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'short', maximumFractionDigits: 0 }).format(ms);
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 1 }).format(ms / 1000);
}

/** An amount kept left-to-right in one piece: "12.50 US$" would otherwise become "$US 12.50"
 * inside right-to-left text. */
export function ltr(text: string): string {
  return text ? `\u2066${text}\u2069` : '';
}

/** Formatters bound to the UI's language. */
export function useMoney() {
  const { i18n } = useTranslation();
  const locale = i18n.language;
  return {
    usd: (dollars: number) => ltr(formatUsd(dollars, locale)),
    perMillion: (micro: number) => ltr(formatPricePerMillion(micro, locale)),
    cost: (nanos: number) => ltr(formatCostNanos(nanos, locale)),
    cents: (cents: number, currency: string) => ltr(formatCents(cents, currency, locale)),
    markup: (bps: number) => formatMarkup(bps, locale),
    tokens: (n: number, compact = false) => formatTokens(n, locale, compact),
    duration: (ms: number | null | undefined) => formatDuration(ms, locale),
    percent: (ratio: number) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(ratio),
  };
}
