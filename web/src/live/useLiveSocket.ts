import { useEffect, useRef, useState } from 'react';
import type { ServerMessage } from '../api/types';
import { type ConnectionState, LiveSocket } from './LiveSocket';

/**
 * Keeps one LiveSocket open while signed in (closed on sign-out: the component unmounts); the latest
 * callbacks and token are used without reconnecting.
 */
export function useLiveSocket(
  url: (token: string) => string,
  token: () => string,
  onMessage: (m: ServerMessage) => void,
  onConnected: () => void,
): ConnectionState {
  const [state, setState] = useState<ConnectionState>('connecting');
  const handlers = useRef({ url, token, onMessage, onConnected });
  useEffect(() => {
    handlers.current = { url, token, onMessage, onConnected };
  }, [url, token, onMessage, onConnected]);

  useEffect(() => {
    const socket = new LiveSocket({
      url: (t) => handlers.current.url(t),
      token: () => handlers.current.token(),
      onMessage: (m) => handlers.current.onMessage(m),
      onConnected: () => handlers.current.onConnected(),
      onState: setState,
    });
    socket.start();
    return () => socket.stop();
  }, []);

  return state;
}
