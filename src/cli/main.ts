/**
 * `pharos`: the command-line client. Exit codes (errors.ts, EXIT_CODES_HELP): 0 all READY (or done),
 * 1 some photo FAILED, 2 usage, connection or authentication error, unknown photo.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import * as commands from './commands.js';
import { CliError, EXIT, EXIT_CODES_HELP } from './errors.js';
import { err } from './output.js';

const STATUSES = ['UPLOADED', 'PROCESSING', 'READY', 'FAILED'];

function positiveInt(max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return n;
  };
}

function seconds(value: string) {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('must be a number of seconds (0 = no limit)');
  return n;
}

export function buildProgram(done: (code: number) => void): Command {
  const report = async (result: Promise<number>) => done(await result);
  const program = new Command('pharos')
    .description('Upload photos to Pharos and read their labels, caption, tags and beauty score.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
First time: \`pharos register --url <server>\` creates an account (or \`pharos login\` with one you have).
Server: --url, or PHAROS_URL, or the URL saved by \`pharos login\` / \`pharos register\`.
Colours only on a terminal; NO_COLOR turns them off, FORCE_COLOR on; --json output is never coloured.
${EXIT_CODES_HELP}`,
    );

  const url = () => new Option('--url <url>', 'server URL (default: $PHAROS_URL or the saved login)');
  const username = () => new Option('-u, --username <name>', 'local account name (prompted if omitted)');
  const passwordStdin = () =>
    new Option(
      '--password-stdin',
      'read the password from standard input (needs --username), instead of a prompt',
    );

  program
    .command('register')
    .description(
      'create a local account on the server and sign in (the token saved as by login); the password is prompted twice, or read with --password-stdin',
    )
    .addOption(url())
    .addOption(username())
    .addOption(passwordStdin())
    .addHelpText(
      'after',
      '\nExamples:\n  pharos register --url http://localhost:8080\n  echo "$PASSWORD" | pharos register --url http://localhost:8080 -u alice --password-stdin\n\nPasswords are 8 to 256 characters. A server that signs in with OpenID Connect has no local accounts:\ncreate the account at its provider, then `pharos login`.',
    )
    .action((options) => report(commands.register(options)));

  program
    .command('login')
    .description(
      'sign in and save the token (0600) in your config directory: a local account, or the OpenID provider the server names',
    )
    .addOption(url())
    .addOption(username().conflicts(['token', 'tokenStdin', 'oidc']))
    .addOption(passwordStdin().conflicts(['token', 'tokenStdin', 'oidc']))
    .addOption(
      new Option(
        '--token <token>',
        'use a token from your identity provider (OIDC / Cognito) instead',
      ).conflicts(['tokenStdin', 'oidc']),
    )
    .addOption(new Option('--token-stdin', 'read that token from standard input').conflicts('oidc'))
    .option(
      '--oidc',
      "sign in at the server's OpenID provider (the default when the server uses one): a device code to enter in any browser, or, if the provider has no device flow, a link that returns to 127.0.0.1",
    )
    .option(
      '--callback-port <port>',
      'with --oidc: the loopback redirect port (registered at the provider)',
      positiveInt(65535),
    )
    .action((options) => report(commands.login(options)));

  program
    .command('logout')
    .description('forget the saved token')
    .action(() => report(commands.logout()));

  program
    .command('upload')
    .description(
      "upload photos (files or folders, walked recursively); non-images are skipped. The server's /config.json picks the route: multipart to the API, or (AWS) straight to object storage through a presigned POST",
    )
    .argument('<paths...>', 'image files or folders')
    .addOption(url())
    .option('-w, --wait', 'wait until every photo is READY or FAILED, with live progress')
    .option('-c, --concurrency <n>', 'parallel uploads', positiveInt(32), 4)
    .option(
      '--no-process',
      'store only: do not start AI processing (multipart servers only: direct uploads are always processed)',
    )
    .option('--timeout <seconds>', 'with --wait: give up after this long (0 = no limit)', seconds, 0)
    .option('--json', 'print machine-readable results on stdout')
    .action((paths: string[], options) => report(commands.upload(paths, options)));

  program
    .command('status')
    .description('the status of one photo')
    .argument('<id>', 'image id')
    .addOption(url())
    .option('--json', 'print JSON')
    .action((id: string, options) => report(commands.status(id, options)));

  program
    .command('results')
    .description("a photo's card: caption, tags, beauty score and labels")
    .argument('<id>', 'image id')
    .addOption(url())
    .option('--json', 'print JSON')
    .action((id: string, options) => report(commands.results(id, options)));

  program
    .command('reprocess')
    .description(
      'run AI processing again (previous outputs are cleared); an unknown id is a usage error (exit 2) and nothing is started',
    )
    .argument('<ids...>', 'image ids')
    .addOption(url())
    .option('-w, --wait', 'wait until every photo is READY or FAILED')
    .option('--timeout <seconds>', 'with --wait: give up after this long (0 = no limit)', seconds, 0)
    .option('--json', 'print JSON')
    .action((ids: string[], options) => report(commands.reprocess(ids, options)));

  program
    .command('ls')
    .description('list your photos, newest first')
    .addOption(url())
    .addOption(new Option('--status <status>', 'only photos with this status').choices(STATUSES))
    .option('--tag <tag>', 'only photos with this tag (case and a leading # are ignored)')
    .addOption(new Option('--sort <order>', 'order').choices(['created_at', 'beauty']).default('created_at'))
    .option('-n, --limit <n>', 'how many', positiveInt(100), 50)
    .option('--all', 'every page, not just the first')
    .option('--json', 'print JSON')
    .action((options) => report(commands.list(options)));

  program
    .command('search')
    .description(
      'find photos by caption, tags, labels and text in them; every word must match (prefixes, substrings and small typos do), best match first',
    )
    .argument('<words...>', 'search words; case and a leading # are ignored')
    .addOption(url())
    .addOption(new Option('--status <status>', 'only photos with this status').choices(STATUSES))
    .option('--tag <tag>', 'only photos with this tag')
    .addOption(
      new Option('--sort <order>', 'order')
        .choices(['relevance', 'created_at', 'beauty'])
        .default('relevance'),
    )
    .option('-n, --limit <n>', 'how many', positiveInt(100), 50)
    .option('--all', 'every page, not just the first')
    .option('--json', 'print JSON')
    .action((words: string[], options) => report(commands.search(words, options)));

  program
    .command('timeline')
    .description("a photo's executions with every state attempt")
    .argument('<id>', 'image id')
    .addOption(url())
    .option('--json', 'print JSON')
    .action((id: string, options) => report(commands.timeline(id, options)));

  return program;
}

export async function run(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv);
    if (!program.args.length) {
      program.outputHelp();
      return EXIT.usage;
    }
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are not errors; everything else commander rejects is a usage error.
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
        ? EXIT.ok
        : EXIT.usage;
    }
    if (error instanceof CliError) {
      err(`pharos: ${error.message}`);
      return error.exitCode;
    }
    err(`pharos: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.usage;
  }
}

const code = await run(process.argv);
// Let stdout drain before exiting (a piped --json result must arrive whole).
process.stdout.write('', () => process.exit(code));
