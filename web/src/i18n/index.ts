import i18next, { type BackendModule, type ResourceKey } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { applyDocumentLanguage, DEFAULT_LANGUAGE, detectLanguage, LANGUAGES } from './languages';

// Catalogs are loaded on demand: each language is its own small chunk.
const loaders: Record<string, () => Promise<{ default: ResourceKey }>> = {
  en: () => import('@/locales/en.json'),
  es: () => import('@/locales/es.json'),
  ar: () => import('@/locales/ar.json'),
};

const lazyCatalogs: BackendModule = {
  type: 'backend',
  init() {},
  read(language, _namespace, callback) {
    const load = loaders[language];
    if (!load) {
      callback(null, {});
      return;
    }
    load().then(
      (module) => callback(null, module.default),
      (error: unknown) => callback(error as Error, null),
    );
  },
};

export const i18n = i18next;

export async function initI18n(language: string = detectLanguage()): Promise<typeof i18next> {
  i18next.on('languageChanged', applyDocumentLanguage);
  await i18next
    .use(lazyCatalogs)
    .use(initReactI18next)
    .init({
      lng: language,
      fallbackLng: DEFAULT_LANGUAGE,
      supportedLngs: [...LANGUAGES],
      load: 'languageOnly',
      interpolation: { escapeValue: false },
      react: { useSuspense: false },
      returnNull: false,
    });
  applyDocumentLanguage(i18next.language);
  return i18next;
}
