/** One polite live region for the whole page: status changes are announced to screen readers. */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';

const AnnounceContext = createContext<(text: string) => void>(() => {});

export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [text, setText] = useState('');
  const timer = useRef<number | undefined>(undefined);
  // Keyed by user in App: on sign-out this provider unmounts, and a sentence still pending dies with it.
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const announce = useCallback((next: string) => {
    // Clear first so that the same sentence twice is still read out.
    setText('');
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setText(next), 50);
  }, []);
  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <div
        className="visually-hidden"
        role="status"
        aria-live="polite"
        aria-atomic="true"
        data-testid="announcer"
      >
        {text}
      </div>
    </AnnounceContext.Provider>
  );
}

export const useAnnounce = () => useContext(AnnounceContext);
