import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Theme } from '@/client';
import { applyBrandTokens, brandTokens } from './branding';
import { applyMode, resolveMode, storedMode, storeMode, type ModePreference } from './mode';

interface ThemeState {
  /** What the user chose (or the tenant's default when they have not chosen). */
  preference: ModePreference;
  resolved: 'light' | 'dark';
  setPreference: (mode: ModePreference) => void;
  branding: Theme | null;
  setBranding: (theme: Theme | null) => void;
}

const ThemeContext = createContext<ThemeState | null>(null);

export function ThemeProvider({ children }: { children: ReactNode }) {
  const [chosen, setChosen] = useState<ModePreference | null>(() => storedMode());
  const [branding, setBranding] = useState<Theme | null>(null);
  const preference: ModePreference = chosen ?? branding?.default_mode ?? 'system';
  const [resolved, setResolved] = useState<'light' | 'dark'>(() => resolveMode(preference));

  useEffect(() => {
    const update = () => setResolved(resolveMode(preference));
    update();
    if (preference !== 'system' || typeof window.matchMedia !== 'function') return;
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, [preference]);

  useEffect(() => {
    applyMode(resolved);
    applyBrandTokens(brandTokens(branding, resolved));
  }, [resolved, branding]);

  const setPreference = useCallback((mode: ModePreference) => {
    storeMode(mode);
    setChosen(mode);
  }, []);

  const value = useMemo(() => ({ preference, resolved, setPreference, branding, setBranding }), [preference, resolved, setPreference, branding]);
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeState {
  const value = useContext(ThemeContext);
  if (!value) throw new Error('useTheme outside ThemeProvider');
  return value;
}
