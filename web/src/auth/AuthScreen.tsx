import { type FormEvent, useId, useState } from 'react';
import { signIn } from '../api/client';
import { ApiError } from '../api/errors';
import type { Session } from '../api/types';

type Mode = 'login' | 'register';

function Brand() {
  return (
    <>
      <h1 className="brand brand--large">
        <img src="/favicon.svg" alt="" width="40" height="40" /> Pharos
      </h1>
      <p className="auth__pitch">Upload a photo; get labels, a caption, tags and a beauty score, live.</p>
    </>
  );
}

/** OpenID Connect: the provider's own page asks for the password. */
function ProviderSignIn({ onProvider, notice }: { onProvider(): Promise<void>; notice?: string | null }) {
  const [busy, setBusy] = useState(false);
  const id = useId();
  return (
    <main className="auth">
      <Brand />
      <section className="auth__form" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Sign in</h2>
        {notice && <p className="notice">{notice}</p>}
        <button
          type="button"
          className="button button--primary"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void onProvider().finally(() => setBusy(false));
          }}
        >
          {busy ? 'Please wait…' : 'Sign in'}
        </button>
        <p className="hint">You will be sent to your organisation's sign-in page and back.</p>
      </section>
    </main>
  );
}

export function AuthScreen({
  mode: authMode,
  apiBase,
  onSignedIn,
  onProvider,
  notice,
}: {
  mode: 'local' | 'oidc';
  apiBase: string;
  onSignedIn(session: Session): void;
  onProvider(): Promise<void>;
  notice?: string | null;
}) {
  if (authMode === 'oidc') return <ProviderSignIn onProvider={onProvider} notice={notice} />;
  return <LocalSignIn apiBase={apiBase} onSignedIn={onSignedIn} notice={notice} />;
}

/** What went wrong, and for a lockout (429 + Retry-After) the clock time the next attempt is accepted. */
function failureText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (!(error instanceof ApiError) || error.retryAfterSeconds === null) return error.message;
  const at = new Date(Date.now() + error.retryAfterSeconds * 1000).toLocaleTimeString();
  return `${error.message} (at ${at}).`;
}

function LocalSignIn({
  apiBase,
  onSignedIn,
  notice,
}: {
  apiBase: string;
  onSignedIn(session: Session): void;
  notice?: string | null;
}) {
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(apiBase, mode, username, password));
    } catch (e) {
      setError(failureText(e));
      setBusy(false);
    }
  }

  const title = mode === 'login' ? 'Sign in' : 'Create an account';
  return (
    <main className="auth">
      <Brand />
      <form className="auth__form" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
        <h2 id={`${id}-title`}>{title}</h2>
        {notice && <p className="notice">{notice}</p>}
        <label htmlFor={`${id}-user`}>Username</label>
        <input
          id={`${id}-user`}
          name="username"
          autoComplete="username"
          required
          minLength={3}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
          required
          minLength={8}
          aria-describedby={mode === 'register' ? `${id}-hint` : undefined}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {mode === 'register' && (
          <p id={`${id}-hint`} className="hint">
            At least 8 characters.
          </p>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Please wait…' : title}
        </button>
        <button
          type="button"
          className="button button--link"
          onClick={() => {
            setMode(mode === 'login' ? 'register' : 'login');
            setError(null);
          }}
        >
          {mode === 'login' ? 'New here? Create an account' : 'Have an account? Sign in'}
        </button>
      </form>
    </main>
  );
}
