// WCAG 2.x contrast helpers, used to keep tenant brand colours readable.

export type Rgb = { r: number; g: number; b: number };

export const AA_NORMAL = 4.5;
export const AA_LARGE = 3;

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

export function isHexColour(value: string): boolean {
  return HEX.test(value.trim());
}

export function parseHex(value: string): Rgb {
  const match = HEX.exec(value.trim());
  if (!match) throw new Error(`not a hex colour: ${value}`);
  let hex = match[1]!;
  if (hex.length === 3) hex = hex.replace(/./g, (c) => c + c);
  const n = Number.parseInt(hex, 16);
  return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255 };
}

export function toHex({ r, g, b }: Rgb): string {
  const part = (v: number) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0');
  return `#${part(r)}${part(g)}${part(b)}`;
}

/** Relative luminance per WCAG 2.x (sRGB). */
export function relativeLuminance(colour: string | Rgb): number {
  const { r, g, b } = typeof colour === 'string' ? parseHex(colour) : colour;
  const channel = (v: number) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** Contrast ratio between two colours, from 1 (same) to 21 (black on white). */
export function contrastRatio(a: string | Rgb, b: string | Rgb): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  const [hi, lo] = la > lb ? [la, lb] : [lb, la];
  return (hi + 0.05) / (lo + 0.05);
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return { r: a.r + (b.r - a.r) * t, g: a.g + (b.g - a.g) * t, b: a.b + (b.b - a.b) * t };
}

/** `a` mixed into `b`: weight 1 is all `a` (like CSS color-mix(in srgb, a weight%, b)). */
export function mixHex(a: string, b: string, weight: number): string {
  return toHex(mix(parseHex(b), parseHex(a), weight));
}

const WHITE = '#ffffff';
const BLACK = '#000000';

/** Black or white text, whichever reads better on `background`. */
export function readableForeground(background: string): string {
  return contrastRatio(background, WHITE) >= contrastRatio(background, BLACK) ? WHITE : BLACK;
}

/**
 * `colour` moved towards black or white, as little as needed, until it reaches `minRatio`
 * against `against`. Returns the colour unchanged when it already does.
 */
export function ensureContrast(colour: string, against: string, minRatio = AA_NORMAL): string {
  const start = parseHex(colour);
  const base = toHex(start);
  if (contrastRatio(base, against) >= minRatio) return base;
  const lightBg = relativeLuminance(against) > 0.18;
  // Prefer the direction away from the background; fall back to the other one.
  const targets = lightBg ? [BLACK, WHITE] : [WHITE, BLACK];
  for (const target of targets) {
    const end = parseHex(target);
    if (contrastRatio(target, against) < minRatio) continue;
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 24; i += 1) {
      const mid = (lo + hi) / 2;
      if (contrastRatio(toHex(mix(start, end, mid)), against) >= minRatio) hi = mid;
      else lo = mid;
    }
    // Rounding to 8-bit channels can land a hair under the ratio: step on until it holds.
    let t = hi;
    let candidate = toHex(mix(start, end, t));
    while (contrastRatio(candidate, against) < minRatio && t < 1) {
      t = Math.min(1, t + 0.01);
      candidate = toHex(mix(start, end, t));
    }
    return candidate;
  }
  return readableForeground(against);
}

/**
 * A brand colour made usable as a filled background with text on it: the fill and a
 * foreground that reach `minRatio` (the fill is adjusted only if neither black nor white can).
 */
export function accessiblePair(fill: string, minRatio = AA_NORMAL): { fill: string; foreground: string } {
  const base = toHex(parseHex(fill));
  const foreground = readableForeground(base);
  if (contrastRatio(base, foreground) >= minRatio) return { fill: base, foreground };
  // Mid-tones: darken the fill until white text passes (white reads as the brand "solid").
  return { fill: ensureContrast(base, WHITE, minRatio), foreground: WHITE };
}
