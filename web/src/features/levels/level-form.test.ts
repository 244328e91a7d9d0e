import { describe, expect, it } from 'vitest';
import type { LevelRead } from '@/client';
import { emptyLevelForm, formToLevel, levelToForm } from './level-form';
import { sortLevels, usageRatio } from './api';

const STARTER: LevelRead = {
  id: 'l1',
  slug: 'starter',
  name: 'Starter',
  description: 'For trying things out.',
  position: 0,
  is_default: true,
  features: ['playground'],
  pricing: { price_cents: 1950, currency: 'USD', period: 'month', tokens_per_period: 100_000 },
  restrictions: { allowed_engines: null, allowed_models: ['mock-small'], executions_per_day: 500, concurrent_runs: 4, rate_limit: null, storage_quota_bytes: null, max_output_tokens: 2048, overdraft_tokens: null },
  benefits: ['100,000 tokens a month', 'Every demo engine'],
  upgrades_to: ['pro'],
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

describe('the level form', () => {
  it('round-trips a level, with empty restrictions meaning no limit', () => {
    const { body, problems } = formToLevel(levelToForm(STARTER));
    expect(problems).toEqual({});
    expect(body).toEqual({
      slug: 'starter',
      name: 'Starter',
      description: 'For trying things out.',
      position: 0,
      is_default: true,
      features: ['playground'],
      benefits: ['100,000 tokens a month', 'Every demo engine'],
      upgrades_to: ['pro'],
      pricing: { price_cents: 1950, currency: 'USD', period: 'month', tokens_per_period: 100_000 },
      restrictions: { ...STARTER.restrictions },
    });
  });

  it('reads thousands separators and reports what is not a whole number', () => {
    const form = emptyLevelForm();
    form.slug = 'pro';
    form.name = 'Pro';
    form.tokens_per_period = '1,000,000';
    form.restrictions.max_output_tokens = '16';
    expect(formToLevel(form).body).toMatchObject({ pricing: { tokens_per_period: 1_000_000 }, restrictions: { max_output_tokens: 16, executions_per_day: null } });
    form.restrictions.concurrent_runs = 'two';
    form.price = '9.999';
    expect(formToLevel(form)).toEqual({ body: null, problems: { 'restrictions.concurrent_runs': 'notInteger', 'pricing.price_cents': 'notPrice' } });
  });
});

describe('levels', () => {
  it('sort by position, then name', () => {
    const a = { ...STARTER, slug: 'b', name: 'B', position: 1 };
    const b = { ...STARTER, slug: 'a', name: 'A', position: 1 };
    const c = { ...STARTER, slug: 'c', name: 'C', position: 0 };
    expect(sortLevels([a, b, c]).map((l) => l.slug)).toEqual(['c', 'a', 'b']);
  });

  it('measure usage against a limit, unlimited being none', () => {
    expect(usageRatio(5, 10)).toBe(0.5);
    expect(usageRatio(12, 10)).toBe(1);
    expect(usageRatio(5, null)).toBe(0);
  });
});
