// A tenant's theme settings turned into token overrides that keep WCAG AA contrast.
import type { Theme } from '@/client';
import { AA_LARGE, AA_NORMAL, accessiblePair, ensureContrast, isHexColour, mixHex, readableForeground } from '@/lib/contrast';

export type ResolvedMode = 'light' | 'dark';

// The default surfaces from styles/tokens.css, needed to compute contrast against them.
export const BASE = {
  light: { bg: '#ffffff', surface: '#ffffff', fg: '#0f172a', fgMuted: '#525b6b' },
  dark: { bg: '#0b1120', surface: '#111827', fg: '#e7ebf2', fgMuted: '#a3adbd' },
} as const;

/** CSS custom properties (name -> value) to set for a tenant's theme in a mode. */
export function brandTokens(theme: Theme | null | undefined, mode: ResolvedMode): Record<string, string> {
  const colours = theme?.colours;
  const tokens: Record<string, string> = {};
  const base = BASE[mode];
  let bg: string = base.bg;
  let surface: string = base.surface;

  // Custom page colours are light-theme colours: in dark mode the dark palette stays.
  if (mode === 'light' && colours?.background && isHexColour(colours.background)) {
    bg = colours.background;
    tokens['--bg'] = bg;
  }
  if (mode === 'light' && colours?.surface && isHexColour(colours.surface)) {
    surface = colours.surface;
    tokens['--surface'] = surface;
    tokens['--surface-raised'] = surface;
  }
  if (bg !== base.bg || surface !== base.surface) {
    // Text must stay readable on both the page and the cards.
    const fg = ensureContrast(ensureContrast(base.fg, bg), surface);
    tokens['--fg'] = fg;
    tokens['--fg-muted'] = ensureContrast(ensureContrast(base.fgMuted, bg), surface);
    tokens['--surface-muted'] = `color-mix(in srgb, ${fg} 6%, ${surface})`;
    tokens['--border'] = `color-mix(in srgb, ${fg} 14%, ${surface})`;
    tokens['--border-strong'] = `color-mix(in srgb, ${fg} 30%, ${surface})`;
  }

  const primary = colours?.primary && isHexColour(colours.primary) ? colours.primary : null;
  if (primary) {
    const pair = accessiblePair(primary);
    tokens['--primary'] = pair.fill;
    tokens['--primary-fg'] = pair.foreground;
    // The tint behind selected items (active navigation, badges).
    const soft = mixHex(primary, bg, 0.12);
    tokens['--primary-soft'] = soft;
    // As text (links, active nav, badges) it must read on the page, on cards and on the tint.
    let text = primary;
    for (const against of [bg, surface, soft]) text = ensureContrast(text, against, AA_NORMAL);
    tokens['--primary-text'] = text;
    // Focus rings and outlines are non-text: 3:1 is the AA threshold.
    tokens['--ring'] = ensureContrast(primary, bg, AA_LARGE);
  }
  const accent = colours?.accent && isHexColour(colours.accent) ? colours.accent : null;
  if (accent) {
    tokens['--accent'] = accent;
    tokens['--accent-fg'] = readableForeground(accent);
    tokens['--accent-text'] = ensureContrast(ensureContrast(accent, bg, AA_NORMAL), surface, AA_NORMAL);
  }
  return tokens;
}

const APPLIED = new Set<string>();

/** Sets the tokens on <html>, removing those a previous call set and this one does not. */
export function applyBrandTokens(tokens: Record<string, string>, root: HTMLElement = document.documentElement): void {
  for (const name of APPLIED) {
    if (!(name in tokens)) root.style.removeProperty(name);
  }
  APPLIED.clear();
  for (const [name, value] of Object.entries(tokens)) {
    root.style.setProperty(name, value);
    APPLIED.add(name);
  }
}
