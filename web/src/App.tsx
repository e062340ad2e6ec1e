import type { Session } from './api/types';
import { AuthScreen } from './auth/AuthScreen';
import { useSession } from './auth/useSession';
import { apiBase, type WebConfig } from './config';
import { AnnouncerProvider } from './ui/Announcer';
import { Workspace } from './Workspace';

export function App({ config }: { config: WebConfig }) {
  const control = useSession(config);
  const { session } = control;

  if (!control.ready) {
    return (
      <main className="auth">
        <p role="status">Signing in…</p>
      </main>
    );
  }
  // Keyed by user: signing out (or in as someone else) starts every per-user state afresh, the
  // screen-reader announcer included, so nothing of one user's session reaches the next.
  return (
    <AnnouncerProvider key={session?.user_id ?? 'signed-out'}>
      {session ? (
        <Workspace
          key={session.user_id}
          config={config}
          session={session}
          token={control.token}
          onSignOut={control.signOut}
        />
      ) : (
        <AuthScreen
          mode={config.auth.mode}
          apiBase={apiBase(config)}
          onSignedIn={(next: Session) => control.signedIn(next)}
          onProvider={control.signInWithProvider}
          notice={control.notice}
        />
      )}
    </AnnouncerProvider>
  );
}
