/** The CLI's exit codes, which scripts rely on. */
export const EXIT = {
  /** Everything asked for is READY (or the command simply succeeded). */
  ok: 0,
  /** At least one photo FAILED (processing or a rejected upload). */
  failed: 1,
  /** Bad usage, no server, no or expired credentials. */
  usage: 2,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the user can act on: printed without a stack trace, exits with its code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.usage,
  ) {
    super(message);
  }
}
