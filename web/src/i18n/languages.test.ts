import { describe, expect, it } from 'vitest';
import { preferredLanguage } from '@/features/session/language';
import { applyDocumentLanguage, detectLanguage, directionOf, endonym, matchLanguage, storeLanguage } from './languages';

describe('languages', () => {
  it('matches browser preferences to supported languages', () => {
    expect(matchLanguage(['fr-FR', 'es-MX', 'en'])).toBe('es');
    expect(matchLanguage(['ar-EG'])).toBe('ar');
    expect(matchLanguage(['de', 'fr'])).toBeNull();
  });

  it('detects the device choice first, then the browser, then English', () => {
    expect(detectLanguage(['es-ES'])).toBe('es');
    expect(detectLanguage(['de'])).toBe('en');
    storeLanguage('ar');
    expect(detectLanguage(['es-ES'])).toBe('ar');
  });

  it('lets a saved account preference win, then the tenant default when nothing else applies', () => {
    expect(preferredLanguage({ userLocale: 'ar', tenantDefault: 'es', deviceChoice: 'en', browser: ['en'] })).toBe('ar');
    expect(preferredLanguage({ userLocale: null, tenantDefault: 'es', deviceChoice: null, browser: ['de'] })).toBe('es');
    expect(preferredLanguage({ userLocale: null, tenantDefault: 'es', deviceChoice: null, browser: ['en-GB'] })).toBeNull();
    expect(preferredLanguage({ userLocale: null, tenantDefault: 'es', deviceChoice: 'ar', browser: ['de'] })).toBeNull();
  });

  it('sets lang and dir on <html>, right to left for Arabic', () => {
    applyDocumentLanguage('ar');
    expect(document.documentElement.lang).toBe('ar');
    expect(document.documentElement.dir).toBe('rtl');
    applyDocumentLanguage('es');
    expect(document.documentElement.dir).toBe('ltr');
    expect(directionOf('ar-SA')).toBe('rtl');
  });

  it('names each language in itself', () => {
    expect(endonym('es')).toBe('Español');
    expect(endonym('en')).toBe('English');
  });
});
