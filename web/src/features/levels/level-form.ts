// The level editor's form (text fields) to and from the API's LevelCreate.
import type { LevelCreate, LevelRead, Restrictions } from '@/client';

export const RESTRICTION_NUMBERS = ['executions_per_day', 'concurrent_runs', 'max_output_tokens', 'overdraft_tokens', 'storage_quota_bytes'] as const;
export type RestrictionNumber = (typeof RESTRICTION_NUMBERS)[number];
export const PERIODS = ['month', 'year', 'none'] as const;

export interface LevelForm {
  slug: string;
  name: string;
  description: string;
  position: string;
  is_default: boolean;
  /** In the currency's units ("19.50"). */
  price: string;
  currency: string;
  period: (typeof PERIODS)[number];
  tokens_per_period: string;
  /** Comma- or line-separated. */
  features: string;
  /** One per line. */
  benefits: string;
  upgrades_to: string[];
  restrictions: Record<RestrictionNumber, string> & { rate_limit: string; allowed_engines: string; allowed_models: string };
}

export type LevelProblem = 'notInteger' | 'notPrice';

export function emptyLevelForm(): LevelForm {
  return {
    slug: '',
    name: '',
    description: '',
    position: '0',
    is_default: false,
    price: '0',
    currency: 'USD',
    period: 'month',
    tokens_per_period: '0',
    features: '',
    benefits: '',
    upgrades_to: [],
    restrictions: { executions_per_day: '', concurrent_runs: '', max_output_tokens: '', overdraft_tokens: '', storage_quota_bytes: '', rate_limit: '', allowed_engines: '', allowed_models: '' },
  };
}

const list = (text: string, separator: RegExp) =>
  text
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);

export function levelToForm(level: LevelRead): LevelForm {
  const r = level.restrictions;
  const num = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));
  return {
    slug: level.slug,
    name: level.name,
    description: level.description,
    position: String(level.position),
    is_default: level.is_default,
    price: String((level.pricing.price_cents ?? 0) / 100),
    currency: level.pricing.currency ?? 'USD',
    period: level.pricing.period ?? 'month',
    tokens_per_period: String(level.pricing.tokens_per_period ?? 0),
    features: level.features.join(', '),
    benefits: level.benefits.join('\n'),
    upgrades_to: level.upgrades_to,
    restrictions: {
      executions_per_day: num(r.executions_per_day),
      concurrent_runs: num(r.concurrent_runs),
      max_output_tokens: num(r.max_output_tokens),
      overdraft_tokens: num(r.overdraft_tokens),
      storage_quota_bytes: num(r.storage_quota_bytes),
      rate_limit: r.rate_limit ?? '',
      allowed_engines: (r.allowed_engines ?? []).join(', '),
      allowed_models: (r.allowed_models ?? []).join(', '),
    },
  };
}

function integer(text: string): number | null | 'notInteger' {
  const cleaned = text.trim().replace(/[\s,._](?=\d{3}\b)/g, '');
  if (!cleaned) return null;
  return /^\d+$/.test(cleaned) ? Number(cleaned) : 'notInteger';
}

/** The body for the API, or the problems keyed by the API's field names. */
export function formToLevel(form: LevelForm): { body: LevelCreate | null; problems: Record<string, LevelProblem> } {
  const problems: Record<string, LevelProblem> = {};
  const restrictions: Restrictions = {};
  for (const name of RESTRICTION_NUMBERS) {
    const value = integer(form.restrictions[name]);
    if (value === 'notInteger') problems[`restrictions.${name}`] = 'notInteger';
    else restrictions[name] = value;
  }
  restrictions.rate_limit = form.restrictions.rate_limit.trim() || null;
  const engines = list(form.restrictions.allowed_engines, /[,\n]/);
  const models = list(form.restrictions.allowed_models, /[,\n]/);
  restrictions.allowed_engines = engines.length ? engines : null;
  restrictions.allowed_models = models.length ? models : null;
  const position = integer(form.position);
  if (position === 'notInteger') problems.position = 'notInteger';
  const tokens = integer(form.tokens_per_period);
  if (tokens === 'notInteger') problems['pricing.tokens_per_period'] = 'notInteger';
  const price = form.price.trim().replace(',', '.');
  const validPrice = /^\d+(\.\d{1,2})?$/.test(price || '0');
  if (!validPrice) problems['pricing.price_cents'] = 'notPrice';
  if (Object.keys(problems).length > 0) return { body: null, problems };
  return {
    body: {
      slug: form.slug.trim(),
      name: form.name.trim(),
      description: form.description,
      position: (position as number | null) ?? 0,
      is_default: form.is_default,
      features: list(form.features, /[,\n]/),
      benefits: list(form.benefits, /\n/),
      upgrades_to: form.upgrades_to,
      pricing: {
        price_cents: Math.round(Number(price || '0') * 100),
        currency: form.currency.trim().toUpperCase() || 'USD',
        period: form.period,
        tokens_per_period: (tokens as number | null) ?? 0,
      },
      restrictions,
    },
    problems,
  };
}
