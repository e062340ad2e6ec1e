/** A start-up failure a person can fix: one sentence, and the fix. */
export class EmbeddedPostgresError extends Error {
  constructor(
    message: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}
