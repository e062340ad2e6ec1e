/**
 * /readyz's checks: each dependency answers within a deadline. Adapters opt in with a `ping()`
 * (PostgreSQL queue, local disk); one without it is not listed rather than reported healthy.
 */
export interface Pingable {
  ping(): Promise<void>;
}

export function isPingable(value: unknown): value is Pingable {
  return typeof (value as Partial<Pingable> | null)?.ping === 'function';
}

/** True when the check resolves within the deadline; a hang counts as unreachable. */
export async function probe(check: () => Promise<unknown>, timeoutMs = 3_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      check().then(
        () => true,
        () => false,
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function readinessChecks(
  checks: Record<string, (() => Promise<unknown>) | unknown>,
  timeoutMs?: number,
) {
  const runnable = Object.entries(checks).flatMap(([name, check]): [string, () => Promise<unknown>][] => {
    if (typeof check === 'function') return [[name, check as () => Promise<unknown>]];
    if (isPingable(check)) return [[name, () => check.ping()]];
    return [];
  });
  return async (): Promise<Record<string, boolean>> => {
    const results = await Promise.all(
      runnable.map(async ([name, check]) => [name, await probe(check, timeoutMs)] as const),
    );
    return Object.fromEntries(results);
  };
}
