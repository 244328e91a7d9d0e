// An active impersonation: a bearer token kept for this browser tab only (sessionStorage),
// sent instead of the admin's cookie session until stopped or expired.
export const IMPERSONATION_STORAGE_KEY = 'athanor.impersonation';

export interface Impersonation {
  accessToken: string;
  expiresAt: string;
  userId: string;
  /** Who is impersonated, for the banner. */
  userLabel: string;
}

export function readImpersonation(now: Date = new Date()): Impersonation | null {
  try {
    const raw = sessionStorage.getItem(IMPERSONATION_STORAGE_KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Impersonation;
    if (!value.accessToken || new Date(value.expiresAt).getTime() <= now.getTime()) {
      sessionStorage.removeItem(IMPERSONATION_STORAGE_KEY);
      return null;
    }
    return value;
  } catch {
    return null;
  }
}

export function startImpersonation(value: Impersonation): void {
  sessionStorage.setItem(IMPERSONATION_STORAGE_KEY, JSON.stringify(value));
}

export function stopImpersonation(): void {
  sessionStorage.removeItem(IMPERSONATION_STORAGE_KEY);
}
