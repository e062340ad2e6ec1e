import { useEffect, useRef, useState } from 'react';
import type { ServerMessage } from '../api/types';
import { type ConnectionState, LiveSocket, socketUrl } from './LiveSocket';

/** Keeps one LiveSocket open while signed in; the latest callbacks are used without reconnecting. */
export function useLiveSocket(
  token: string,
  onMessage: (m: ServerMessage) => void,
  onConnected: () => void,
): ConnectionState {
  const [state, setState] = useState<ConnectionState>('connecting');
  const handlers = useRef({ onMessage, onConnected });
  useEffect(() => {
    handlers.current = { onMessage, onConnected };
  }, [onMessage, onConnected]);

  useEffect(() => {
    const socket = new LiveSocket({
      url: socketUrl(window.location),
      token,
      onMessage: (m) => handlers.current.onMessage(m),
      onConnected: () => handlers.current.onConnected(),
      onState: setState,
    });
    socket.start();
    return () => socket.stop();
  }, [token]);

  return state;
}
