import { useCallback, useState } from 'react';
import type { Session } from './api/types';
import { AuthScreen } from './auth/AuthScreen';
import { clearSession, loadSession, saveSession } from './auth/session';
import { AnnouncerProvider } from './ui/Announcer';
import { Workspace } from './Workspace';

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);

  const signedIn = useCallback((next: Session) => {
    saveSession(next);
    setNotice(null);
    setSession(next);
  }, []);
  const signOut = useCallback((reason?: string) => {
    clearSession();
    setNotice(reason ?? null);
    setSession(null);
  }, []);

  return (
    <AnnouncerProvider>
      {session ? (
        <Workspace key={session.token} session={session} onSignOut={signOut} />
      ) : (
        <AuthScreen onSignedIn={signedIn} notice={notice} />
      )}
    </AnnouncerProvider>
  );
}
