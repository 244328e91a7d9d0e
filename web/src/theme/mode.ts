export type ModePreference = 'system' | 'light' | 'dark';
export const MODE_STORAGE_KEY = 'athanor.theme';

export function isModePreference(value: unknown): value is ModePreference {
  return value === 'system' || value === 'light' || value === 'dark';
}

export function storedMode(): ModePreference | null {
  try {
    const value = localStorage.getItem(MODE_STORAGE_KEY);
    return isModePreference(value) ? value : null;
  } catch {
    return null;
  }
}

export function storeMode(mode: ModePreference): void {
  try {
    localStorage.setItem(MODE_STORAGE_KEY, mode);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

export function systemPrefersDark(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches;
}

export function resolveMode(preference: ModePreference): 'light' | 'dark' {
  if (preference === 'system') return systemPrefersDark() ? 'dark' : 'light';
  return preference;
}

export function applyMode(mode: 'light' | 'dark'): void {
  document.documentElement.dataset.theme = mode;
}
