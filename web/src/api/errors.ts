/** An error answered by the API (`{"error":{"code","message"}}`) or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** A 429's Retry-After: seconds until the server accepts another attempt. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads the API's error body, falling back to something readable when the body is not JSON. */
export function parseError(status: number, body: string, retryAfter: string | null = null): ApiError {
  const wait = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : null;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = parsed.error ?? {};
    if (typeof message === 'string')
      return new ApiError(status, typeof code === 'string' ? code : 'error', message, wait);
  } catch {
    // not JSON: a proxy or the network answered
  }
  if (status === 0) return new ApiError(0, 'network', 'the server could not be reached');
  return new ApiError(status, 'http_' + status, `the server answered ${status}`);
}
