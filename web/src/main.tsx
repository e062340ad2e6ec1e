import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { completeSignIn, createUserManager, isCallback } from './auth/oidc';
import { loadWebConfig } from './config';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

function ConfigError({ message }: { message: string }) {
  return (
    <main className="auth">
      <h1 className="brand brand--large">Pharos</h1>
      <p className="error" role="alert">
        The page could not load its configuration: {message}.
      </p>
      <button type="button" className="button button--primary" onClick={() => window.location.reload()}>
        Try again
      </button>
    </main>
  );
}

loadWebConfig().then(
  (config) => {
    // Inside the hidden iframe of a silent renewal: hand the answer to the page and stop.
    if (window.parent !== window && isCallback() && config.auth.mode === 'oidc') {
      void completeSignIn(createUserManager(config.auth));
      return;
    }
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    );
  },
  (error: unknown) =>
    root.render(<ConfigError message={error instanceof Error ? error.message : String(error)} />),
);
