/** Reading secrets: from standard input (for scripts), or a prompt that does not echo. */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CliError } from './errors.js';

export async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const first = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  return first;
}

/** A prompt on the terminal; without one, an error naming the flag that gives the answer instead. */
export function ask(question: string, options: { secret?: boolean; flag?: string } = {}): Promise<string> {
  if (!process.stdin.isTTY) {
    const what = question.replace(/[:\s]+$/, '').toLowerCase();
    throw new CliError(
      `cannot ask for the ${what} without a terminal${options.flag ? `: pass ${options.flag}` : ''}`,
    );
  }
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve, reject) => {
    rl.on('SIGINT', () => {
      rl.close();
      process.stderr.write('\n');
      reject(new CliError('cancelled'));
    });
    rl.question(question, (answer) => {
      rl.close();
      if (options.secret) process.stderr.write('\n');
      resolve(answer);
    });
    muted = Boolean(options.secret);
  });
}
