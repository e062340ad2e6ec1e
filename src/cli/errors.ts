/** The CLI's exit codes, which scripts rely on. */
export const EXIT = {
  /** Everything asked for is READY (or the command simply succeeded). */
  ok: 0,
  /** At least one photo FAILED (processing or a rejected upload). */
  failed: 1,
  /** Bad usage, no server, no or expired credentials, an unknown photo. */
  usage: 2,
} as const;

/** The same, as `--help` prints it (and docs/operations.md says it). */
export const EXIT_CODES_HELP = `Exit codes:
  0  every photo READY, or the command succeeded
  1  at least one photo FAILED: processing failed, the upload was refused (by the API or the storage),
     or --timeout passed
  2  usage error, no server or storage reachable, not signed in or token expired, unknown photo`;

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
