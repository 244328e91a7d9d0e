import { describe, expect, it } from 'vitest';
import {
  AA_NORMAL,
  accessiblePair,
  contrastRatio,
  ensureContrast,
  parseHex,
  readableForeground,
  relativeLuminance,
  toHex,
} from './contrast';

describe('contrast', () => {
  it('parses and prints hex colours', () => {
    expect(parseHex('#fff')).toEqual({ r: 255, g: 255, b: 255 });
    expect(parseHex('4f46E5')).toEqual({ r: 79, g: 70, b: 229 });
    expect(toHex({ r: 79, g: 70, b: 229 })).toBe('#4f46e5');
    expect(() => parseHex('red')).toThrow();
  });

  it('computes WCAG luminance and ratios', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 5);
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#fff')).toBeCloseTo(1, 5);
    // Known reference value: #777 on white is about 4.48.
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#4f46e5', '#ffffff')).toBeGreaterThan(AA_NORMAL);
  });

  it('picks the more readable of black and white', () => {
    expect(readableForeground('#4f46e5')).toBe('#ffffff');
    expect(readableForeground('#fde047')).toBe('#000000');
    expect(readableForeground('#ffffff')).toBe('#000000');
    expect(readableForeground('#000000')).toBe('#ffffff');
  });

  it('leaves colours that already pass unchanged', () => {
    expect(ensureContrast('#1e293b', '#ffffff')).toBe('#1e293b');
  });

  it('adjusts colours until they reach AA, whatever the input', () => {
    const backgrounds = ['#ffffff', '#0b1020', '#f1f5f9', '#1f2937'];
    const colours = ['#fde047', '#22c55e', '#0ea5e9', '#ffffff', '#000000', '#808080', '#ff00ff', '#767676'];
    for (const bg of backgrounds) {
      for (const c of colours) {
        const fixed = ensureContrast(c, bg);
        expect(contrastRatio(fixed, bg), `${c} on ${bg} -> ${fixed}`).toBeGreaterThanOrEqual(AA_NORMAL);
      }
    }
  });

  it('moves a light colour darker on a light background and lighter on a dark one', () => {
    const onLight = ensureContrast('#fde047', '#ffffff');
    expect(relativeLuminance(onLight)).toBeLessThan(relativeLuminance('#fde047'));
    const onDark = ensureContrast('#1e3a8a', '#0b1020');
    expect(relativeLuminance(onDark)).toBeGreaterThan(relativeLuminance('#1e3a8a'));
  });

  it('makes any fill usable as a button with readable text', () => {
    for (let i = 0; i < 4096; i += 37) {
      const hex = toHex({ r: (i * 7) % 256, g: (i * 13) % 256, b: (i * 29) % 256 });
      const { fill, foreground } = accessiblePair(hex);
      expect(contrastRatio(fill, foreground), hex).toBeGreaterThanOrEqual(AA_NORMAL);
    }
    // A brand colour that already works keeps its exact value.
    expect(accessiblePair('#4f46e5')).toEqual({ fill: '#4f46e5', foreground: '#ffffff' });
  });
});
