import type { ConnectionState } from '../live/LiveSocket';

const TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
};

/** Whether live updates are flowing; a change is announced politely. */
export function ConnectionIndicator({ state }: { state: ConnectionState }) {
  return (
    <span
      className={`connection connection--${state}`}
      role="status"
      data-testid="connection"
      data-state={state}
    >
      <span className="connection__dot" aria-hidden="true" />
      {TEXT[state]}
    </span>
  );
}
