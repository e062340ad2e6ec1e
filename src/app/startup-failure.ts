/** Why Pharos did not start, as one sentence and the fix, for the terminal (the JSON log has the stack). */
export function startupFailure(error: unknown): string {
  const failure = error as { message?: string; fix?: unknown; code?: unknown; port?: unknown };
  const message = failure?.message ?? String(error);
  if (typeof failure?.fix === 'string') return `Pharos could not start: ${message}.\nFix: ${failure.fix}.`;
  if (failure?.code === 'EADDRINUSE')
    return `Pharos could not start: the port${failure.port ? ` ${String(failure.port)}` : ''} is already in use.\nFix: stop the other process, or choose another port with PORT=<number> (PORT=0 picks a free one).`;
  if (failure?.code === 'EACCES')
    return `Pharos could not start: ${message}.\nFix: run it as a user who may write there, or point PHAROS_DATA_DIR at a directory you own.`;
  return `Pharos could not start: ${message}.\nFix: see the log line above for the details.`;
}
