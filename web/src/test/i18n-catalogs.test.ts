// @vitest-environment node
// Every user-facing string goes through the catalogs, and the catalogs agree.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import ar from '@/locales/ar.json';
import en from '@/locales/en.json';
import es from '@/locales/es.json';
import { findJsxStrings, findTranslationKeys } from './jsx-strings';

const SRC = fileURLToPath(new URL('..', import.meta.url));
const CATALOGS: Record<string, unknown> = { en, es, ar };
const PLURAL = /_(zero|one|two|few|many|other)$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name === 'client' || name === 'test') continue; // generated code; test helpers
      out.push(...sourceFiles(path));
    } else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) {
      out.push(path);
    }
  }
  return out;
}

function flatten(value: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (typeof value === 'string') out[prefix] = value;
  else if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}.${i}`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

const variables = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('the JSX string scanner', () => {
  it('catches text, attributes and literal children, and ignores t() calls and symbols', () => {
    const source = `
      const A = () => <div title="Hello" aria-label={'Close it'}><p>Plain words</p>{'Literal child'}</div>;
      const B = () => <div title={t('ok.key')} aria-label={t('x')}><p>{t('y')}</p>{value}<span>· / 42 …</span></div>;
      const C = () => <input placeholder={cond ? 'Yes' : t('no')} className="text-sm font-medium" />;
    `;
    const found = findJsxStrings('sample.tsx', source).map((f) => f.text);
    expect(found).toEqual(['Hello', 'Close it', 'Plain words', 'Literal child', 'Yes']);
  });
});

describe('i18n', () => {
  it('has no user-facing string literal in JSX outside the catalogs', () => {
    const findings = sourceFiles(SRC).flatMap((file) => findJsxStrings(relative(SRC, file), readFileSync(file, 'utf8')));
    const report = findings.map((f) => `${f.file}:${f.line} ${f.where} "${f.text}"`);
    expect(report, 'Move these strings to src/locales/*.json and use t()').toEqual([]);
  });

  it('has the same keys in every catalog (plural forms per language)', () => {
    const base = (keys: string[]) => new Set(keys.map((k) => k.replace(PLURAL, '')));
    const reference = [...base(Object.keys(flatten(en)))].sort();
    for (const [language, catalog] of Object.entries(CATALOGS)) {
      const keys = [...base(Object.keys(flatten(catalog)))].sort();
      const missing = reference.filter((k) => !keys.includes(k));
      const extra = keys.filter((k) => !reference.includes(k));
      expect({ language, missing, extra }).toEqual({ language, missing: [], extra: [] });
    }
  });

  it('has every plural form each language needs', () => {
    for (const [language, catalog] of Object.entries(CATALOGS)) {
      const flat = Object.keys(flatten(catalog));
      const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      const plurals = new Set(flat.filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')));
      for (const key of plurals) {
        for (const category of categories) {
          expect(flat, `${language}: ${key}_${category}`).toContain(`${key}_${category}`);
        }
      }
    }
  });

  it('uses the same interpolation variables in every language', () => {
    const reference = flatten(en);
    for (const [language, catalog] of Object.entries(CATALOGS)) {
      const flat = flatten(catalog);
      for (const [key, text] of Object.entries(flat)) {
        const base = key.replace(PLURAL, '');
        const english = reference[key] ?? reference[`${base}_other`];
        if (english === undefined) continue;
        // A plural form may spell the number out ("يومان") instead of using {{count}}.
        const strip = (vars: (string | undefined)[]) => vars.filter((v) => !(PLURAL.test(key) && v === 'count'));
        expect(strip(variables(text)), `${language}: ${key}`).toEqual(strip(variables(english)));
      }
    }
  });

  it('has no empty translation', () => {
    for (const [language, catalog] of Object.entries(CATALOGS)) {
      for (const [key, text] of Object.entries(flatten(catalog))) {
        expect(text.trim().length, `${language}: ${key}`).toBeGreaterThan(0);
      }
    }
  });

  it('defines every key the code asks for', () => {
    const flat = Object.keys(flatten(en));
    const known = new Set([...flat, ...flat.map((k) => k.replace(PLURAL, ''))]);
    const problems: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const { keys, prefixes } = findTranslationKeys(readFileSync(file, 'utf8'));
      for (const key of keys) if (!known.has(key)) problems.push(`${relative(SRC, file)}: ${key}`);
      for (const prefix of prefixes) if (!flat.some((k) => k.startsWith(prefix))) problems.push(`${relative(SRC, file)}: ${prefix}*`);
    }
    expect(problems).toEqual([]);
  });
});
