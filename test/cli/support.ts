/** Runs the real `pharos` binary (bin/pharos.mjs) as a child process, as a user would. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/pharos.mjs', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: {
    env?: Record<string, string>;
    input?: string;
    cwd?: string;
    /** Called with everything written to stderr so far, each time more arrives (interactive steps). */
    onStderr?: (stderr: string) => void;
  } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    // A clean environment: only what the test gives (no PHAROS_URL or token leaking in from outside).
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => {
    stderr += String(d);
    options.onStderr?.(stderr);
  });
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/**
 * Runs the real `pharos` on a pseudo-terminal (util-linux `script`), as a person at a terminal would:
 * stdin and stdout are a TTY, so prompts and colours behave as they do for people. `output` is what
 * the terminal showed (stdout, plus stderr unless `stderr: 'drop'`). Each answer is typed once its
 * prompt has appeared.
 */
export function runInTerminal(
  args: string[],
  options: {
    env?: Record<string, string>;
    answers?: [prompt: RegExp, answer: string][];
    stderr?: 'show' | 'drop';
  } = {},
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const redirect = options.stderr === 'drop' ? ' 2>/dev/null' : '';
  const child = spawn('script', ['-qfec', `exec ${command}${redirect}`, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'xterm', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const answers = [...(options.answers ?? [])];
  let output = '';
  let answered = 0; // how much of the output the last answer's prompt used up
  child.stdout.on('data', (d) => {
    output += String(d);
    const next = answers[0];
    if (next && next[0].test(output.slice(answered))) {
      answers.shift();
      answered = output.length;
      child.stdin.write(`${next[1]}\r`);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: output.replaceAll('\r\n', '\n') }));
  });
}
