import type { ConnectionState } from '../live/LiveSocket';
import { ConnectionIndicator } from './ConnectionIndicator';

export function Header({
  username,
  connection,
  onSignOut,
}: {
  username: string;
  connection: ConnectionState;
  onSignOut(): void;
}) {
  return (
    <header className="topbar">
      <h1 className="brand">
        <img src="/favicon.svg" alt="" width="28" height="28" /> Pharos
      </h1>
      <ConnectionIndicator state={connection} />
      <span className="topbar__user">
        Signed in as <strong data-testid="username">{username}</strong>
      </span>
      <button type="button" className="button" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
