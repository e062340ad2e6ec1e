/**
 * Terminal output: the card, tables, progress. Colours (picocolors) only when stdout is a terminal, or
 * FORCE_COLOR asks for them; never with NO_COLOR (https://no-color.org) or TERM=dumb. `--json` output
 * is plain JSON.stringify, never painted.
 */
import cliProgress from 'cli-progress';
import { createColors } from 'picocolors';
import type { AiResults, Execution, ImageListItem, ImageMetadata } from './api.js';

/** Decided once per run from the environment and stdout, where everything coloured is written. */
export function colourWanted(env: NodeJS.ProcessEnv, stdoutIsTty: boolean): boolean {
  if (env.NO_COLOR || env.TERM === 'dumb') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stdoutIsTty;
}

export const { bold, dim, green, red, yellow, cyan } = createColors(
  colourWanted(process.env, Boolean(process.stdout.isTTY)),
);

/** READY green, FAILED red, anything in between yellow; padded after painting, so tables line up. */
export function colourStatus(status: string, width = 0): string {
  const pad = ' '.repeat(Math.max(0, width - status.length));
  if (status === 'READY' || status === 'SUCCEEDED') return green(status) + pad;
  if (status === 'FAILED' || status === 'TIMEOUT') return red(status) + pad;
  return yellow(status) + pad;
}

export const out = (line = '') => process.stdout.write(`${line}\n`);
export const err = (line = '') => process.stderr.write(`${line}\n`);
export const printJson = (value: unknown) => out(JSON.stringify(value, null, 2));

function meter(score: number, width = 20): string {
  const filled = Math.round((score / 100) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/** The seed's card, in the terminal: caption, tags and beauty, then labels. */
export function renderCard(meta: ImageMetadata, ai: AiResults): string {
  const lines = [`${bold(meta.filename)}  ${dim(meta.image_id)}  ${colourStatus(ai.status)}`];
  if (ai.status === 'FAILED') {
    lines.push(red(`Failed: ${ai.error ?? 'unknown error'}`));
    return lines.join('\n');
  }
  if (ai.status !== 'READY') {
    lines.push(dim('Not processed yet: run `pharos status` again, or `pharos upload --wait` next time.'));
    return lines.join('\n');
  }
  lines.push('', ai.description ?? dim('(no caption)'), '');
  lines.push(`Tags: ${ai.tags.length ? ai.tags.map((t) => cyan(`#${t}`)).join(' ') : dim('(none)')}`);
  lines.push(
    ai.beauty_score === null
      ? `Beauty: ${dim('unavailable')}`
      : `Beauty: ${bold(`${ai.beauty_score}/100`)}  ${meter(ai.beauty_score)}`,
  );
  if (ai.labels.length) {
    lines.push(`Labels: ${ai.labels.map((l) => `${l.name} ${Math.round(l.confidence)}%`).join(', ')}`);
  }
  return lines.join('\n');
}

export function renderStatus(meta: ImageMetadata): string {
  return `${meta.image_id}  ${colourStatus(meta.status)}  ${meta.filename}  ${dim(`updated ${meta.updated_at}`)}`;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function table(rows: string[][], header: string[]): string {
  // Widths from the raw text; colour codes are added after padding.
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[], style: (s: string, i: number) => string = (s) => s) =>
    cells.map((c, i) => style(i === cells.length - 1 ? c : c.padEnd(widths[i]!), i)).join('  ');
  return [
    bold(line(header)),
    ...rows.map((r) => line(r, (s, i) => (header[i] === 'STATUS' ? colourStatus(s.trim(), s.length) : s))),
  ].join('\n');
}

export function renderList(items: ImageListItem[], empty = 'No photos.'): string {
  if (!items.length) return dim(empty);
  return table(
    items.map((i) => [
      i.image_id,
      i.status,
      i.beauty_score === null ? '-' : String(i.beauty_score),
      truncate(i.filename, 28),
      truncate(i.description ?? i.error ?? '', 60),
    ]),
    ['ID', 'STATUS', 'BEAUTY', 'FILE', 'CAPTION'],
  );
}

export function renderTimeline(executions: Execution[]): string {
  if (!executions.length) return dim('Never processed.');
  return executions
    .map((e) => {
      const head = `${bold(`Execution #${e.seq}`)} ${dim(e.execution_id)}  ${colourStatus(e.status)}  trigger=${e.trigger}  started ${e.started_at}`;
      const rows = e.states.map((s) => [
        s.state,
        String(s.attempt),
        s.status,
        s.duration_ms === null ? '-' : `${Math.round(s.duration_ms)} ms`,
        s.error ? `${s.error}${s.cause ? `: ${s.cause}` : ''}${s.will_retry ? ' (retried)' : ''}` : '',
      ]);
      const tail = e.error ? `\n${red(`${e.error}: ${e.cause ?? ''}`)}` : '';
      return `${head}\n${table(rows, ['STATE', 'ATTEMPT', 'STATUS', 'DURATION', 'ERROR'])}${tail}`;
    })
    .join('\n\n');
}

/** Progress bars on a TTY (stderr); on a pipe or in CI, nothing but the messages passed to log(). */
export class Progress {
  private readonly multibar: cliProgress.MultiBar | null;
  private readonly bars = new Map<string, cliProgress.SingleBar>();

  constructor(enabled: boolean) {
    this.multibar =
      enabled && process.stderr.isTTY
        ? new cliProgress.MultiBar(
            {
              stream: process.stderr,
              format: '{label} [{bar}] {value}/{total} {detail}',
              hideCursor: true,
              clearOnComplete: false,
              barsize: 30,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
  }

  bar(name: string, label: string, total: number): void {
    if (!this.multibar) return;
    this.bars.set(name, this.multibar.create(total, 0, { label: label.padEnd(10), detail: '' }));
  }

  tick(name: string, detail = ''): void {
    this.bars.get(name)?.increment(1, { detail });
  }

  detail(name: string, detail: string): void {
    this.bars.get(name)?.update({ detail });
  }

  log(line: string): void {
    if (this.multibar) this.multibar.log(`${line}\n`);
    else err(line);
  }

  stop(): void {
    this.multibar?.stop();
  }
}
