/** Real Pharos processes (the entry points `npm start` and `npm run serve:worker` run), for crash, scale-out and start-up tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface PharosProcess {
  child: ChildProcess;
  /** What the readiness pattern matched (e.g. the printed URL). */
  ready: RegExpExecArray;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `src/entry/<entry>.ts` and resolves once its output matches `readyWhen`. */
export function spawnEntry(
  entry: 'server' | 'worker',
  env: Record<string, string>,
  readyWhen: RegExp,
  timeoutMs = 30_000,
): Promise<PharosProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', `src/entry/${entry}.ts`], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PHAROS_LABELS: 'scripted',
      PHAROS_DESCRIBER: 'scripted',
      PHAROS_BEAUTY: 'scripted',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not get ready:\n${output}`)), timeoutMs);
    const check = setInterval(() => {
      const ready = readyWhen.exec(output);
      if (!ready) return;
      clearInterval(check);
      clearTimeout(timer);
      resolve({
        child,
        ready,
        output: () => output,
        async kill(signal = 'SIGTERM') {
          if (child.exitCode === null) child.kill(signal);
          return exited;
        },
      });
    }, 50);
    child.on('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}:\n${output}`));
    });
  });
}

export type WorkerProcess = PharosProcess;

/** A worker on the tests' fast settings (scaled retry delays, a supervisor that notices crashes in seconds). */
export function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  return spawnEntry(
    'worker',
    { PHAROS_RETRY_DELAY_SCALE: '0.01', PHAROS_QUEUE_SUPERVISE_SECONDS: '1', LOG_LEVEL: 'info', ...env },
    /worker started/,
  );
}
