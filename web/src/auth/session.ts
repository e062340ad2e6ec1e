/** The signed-in session lives in sessionStorage: it survives a reload, not the closing of the tab. */
import type { Session } from '../api/types';

const KEY = 'pharos.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (typeof parsed.token !== 'string' || typeof parsed.user_id !== 'string') return null;
    return { token: parsed.token, user_id: parsed.user_id, username: parsed.username ?? '' };
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
