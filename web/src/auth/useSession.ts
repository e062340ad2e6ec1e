/**
 * Who is signed in, whichever way the configuration says: local accounts (a token from /auth/login,
 * kept in sessionStorage) or an OpenID provider (oidc-client-ts; the token renews silently, so the
 * session object changes while the user stays the same). `token()` always reads the current token.
 */
import type { User } from 'oidc-client-ts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Session } from '../api/types';
import type { WebConfig } from '../config';
import { completeSignIn, createUserManager, isCallback, sessionOf, signOutParams } from './oidc';
import { clearSession, loadSession, saveSession } from './session';

export interface SessionControl {
  session: Session | null;
  /** False while a provider's answer (or a stored sign-in) is being checked. */
  ready: boolean;
  notice: string | null;
  /** Local accounts: the form signed in. */
  signedIn(session: Session): void;
  /** OpenID Connect: go to the provider's sign-in page. */
  signInWithProvider(): Promise<void>;
  /** Without a reason: the user asked (the provider's session ends too). With one: it ended by itself. */
  signOut(reason?: string): void;
  token(): string;
}

const ENDED = 'Your session has ended; please sign in again.';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function useSession(config: WebConfig): SessionControl {
  const auth = config.auth;
  const manager = useMemo(() => (auth.mode === 'oidc' ? createUserManager(auth) : null), [auth]);
  const [session, setSessionState] = useState<Session | null>(() => (manager ? null : loadSession()));
  const [ready, setReady] = useState(manager === null);
  const [notice, setNotice] = useState<string | null>(null);
  // Read by token() at once, even by the children's first effects (which run before ours).
  const current = useRef(session);
  const setSession = useCallback((next: Session | null) => {
    current.current = next;
    setSessionState(next);
  }, []);

  useEffect(() => {
    if (!manager) return;
    let live = true;
    const cleanUrl = () => window.history.replaceState(null, '', window.location.pathname);
    void (async () => {
      try {
        if (isCallback()) {
          const user = await completeSignIn(manager);
          cleanUrl();
          if (live && user) setSession(sessionOf(user));
        } else {
          if (new URLSearchParams(window.location.search).has('state')) {
            // Back from the provider's sign-out page.
            await manager.signoutCallback().catch(() => undefined);
            cleanUrl();
          }
          const user = await manager.getUser();
          if (user && !user.expired) {
            if (live) setSession(sessionOf(user));
          } else if (user) await manager.removeUser();
        }
      } catch (error) {
        cleanUrl();
        if (live) setNotice(`Sign-in did not complete: ${errorText(error)}`);
      }
      if (live) setReady(true);
    })();
    // A silent renewal brings a new token for the same user: same workspace, new bearer.
    const renewed = (user: User) => {
      if (live) setSession(sessionOf(user));
    };
    const expired = () => {
      void manager.removeUser();
      if (live) {
        setNotice(ENDED);
        setSession(null);
      }
    };
    manager.events.addUserLoaded(renewed);
    manager.events.addAccessTokenExpired(expired);
    manager.startSilentRenew();
    return () => {
      live = false;
      manager.events.removeUserLoaded(renewed);
      manager.events.removeAccessTokenExpired(expired);
      manager.stopSilentRenew();
    };
  }, [manager, setSession]);

  const signedIn = useCallback(
    (next: Session) => {
      saveSession(next);
      setNotice(null);
      setSession(next);
    },
    [setSession],
  );

  const signInWithProvider = useCallback(async () => {
    if (!manager) return;
    try {
      await manager.signinRedirect();
    } catch (error) {
      setNotice(`The sign-in provider could not be reached: ${errorText(error)}`);
    }
  }, [manager]);

  const signOut = useCallback(
    (reason?: string) => {
      // The workspace unmounts first: its socket, caches and uploads end with it.
      setSession(null);
      setNotice(reason ?? null);
      if (!manager) {
        clearSession();
        return;
      }
      if (reason) {
        void manager.removeUser();
        return;
      }
      const params = auth.mode === 'oidc' ? signOutParams(auth) : undefined;
      void (async () => {
        // Best effort: some providers answer the revocation in a way oidc-client-ts rejects after
        // it worked; the provider's session ends at the redirect below either way.
        await manager.revokeTokens(['refresh_token']).catch(() => undefined);
        await manager.signoutRedirect({ extraQueryParams: params });
      })().catch(() => manager.removeUser()); // the provider is unreachable: forget the tokens here at least
    },
    [manager, auth, setSession],
  );

  const token = useCallback(() => current.current?.token ?? '', []);

  return { session, ready, notice, signedIn, signInWithProvider, signOut, token };
}
