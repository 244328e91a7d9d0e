import { describe, expect, it } from 'vitest';
import type { Theme } from '@/client';
import { AA_NORMAL, contrastRatio } from '@/lib/contrast';
import { BASE, brandTokens } from './branding';

const theme = (colours: Partial<NonNullable<Theme['colours']>>): Theme => ({
  colours: { primary: '#4f46e5', accent: '#0ea5e9', ...colours },
});

describe('brandTokens', () => {
  it('returns nothing to override without a theme', () => {
    expect(brandTokens(null, 'light')).toEqual({});
  });

  it('keeps a good brand colour as is', () => {
    const tokens = brandTokens(theme({}), 'light');
    expect(tokens['--primary']).toBe('#4f46e5');
    expect(tokens['--primary-fg']).toBe('#ffffff');
  });

  it('keeps AA contrast for any colour a tenant picks, in both modes', () => {
    const picks = ['#ffff00', '#00ff00', '#ffffff', '#000000', '#777777', '#ff7f50', '#0ea5e9'];
    for (const mode of ['light', 'dark'] as const) {
      for (const primary of picks) {
        for (const background of [null, '#fefce8', '#fde68a', '#e5e7eb']) {
          const t = brandTokens(theme({ primary, accent: primary, background, surface: background }), mode);
          const bg = t['--bg'] ?? BASE[mode].bg;
          const label = `${primary} ${mode} bg=${bg}`;
          expect(contrastRatio(t['--primary']!, t['--primary-fg']!), label).toBeGreaterThanOrEqual(AA_NORMAL);
          expect(contrastRatio(t['--primary-text']!, bg), label).toBeGreaterThanOrEqual(AA_NORMAL);
          expect(contrastRatio(t['--primary-text']!, t['--primary-soft']!), label).toBeGreaterThanOrEqual(AA_NORMAL);
          expect(contrastRatio(t['--accent']!, t['--accent-fg']!), label).toBeGreaterThanOrEqual(AA_NORMAL);
          expect(contrastRatio(t['--accent-text']!, bg), label).toBeGreaterThanOrEqual(AA_NORMAL);
          if (t['--fg']) expect(contrastRatio(t['--fg'], bg), label).toBeGreaterThanOrEqual(AA_NORMAL);
          if (t['--fg-muted']) expect(contrastRatio(t['--fg-muted'], bg), label).toBeGreaterThanOrEqual(AA_NORMAL);
        }
      }
    }
  });

  it('applies custom page colours only in light mode', () => {
    expect(brandTokens(theme({ background: '#fefce8' }), 'light')['--bg']).toBe('#fefce8');
    expect(brandTokens(theme({ background: '#fefce8' }), 'dark')['--bg']).toBeUndefined();
  });
});
