export const LANGUAGES = ['en', 'es', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';
const RTL: ReadonlySet<string> = new Set(['ar']);
export const LANGUAGE_STORAGE_KEY = 'athanor.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function directionOf(language: string): 'rtl' | 'ltr' {
  return RTL.has(language.split('-')[0] ?? language) ? 'rtl' : 'ltr';
}

/** The first supported language among the browser's preferences (`es-MX` -> `es`). */
export function matchLanguage(preferences: readonly string[]): Language | null {
  for (const pref of preferences) {
    const base = pref.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return null;
}

/** The language's own name ("Español", "العربية"), from Intl: no catalog needed. */
export function endonym(language: Language): string {
  try {
    const name = new Intl.DisplayNames([language], { type: 'language' }).of(language) ?? language;
    return name.charAt(0).toLocaleUpperCase(language) + name.slice(1);
  } catch {
    return language;
  }
}

export function storedLanguage(): Language | null {
  try {
    const value = localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

export function storeLanguage(language: Language): void {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

/** Explicit choice on this device, then the browser's languages, then English. */
export function detectLanguage(navigatorLanguages: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages): Language {
  return storedLanguage() ?? matchLanguage(navigatorLanguages) ?? DEFAULT_LANGUAGE;
}

export function applyDocumentLanguage(language: string): void {
  const root = document.documentElement;
  root.lang = language;
  root.dir = directionOf(language);
}
