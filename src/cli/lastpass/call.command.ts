import type { Command } from 'commander';

import { withCommonOptions, type CommonFlags } from './common-options.ts';
import { UsageError } from './failure.ts';
import { runWithLastPass } from './lastpass-session.ts';
import { warn, writeJson } from './output.ts';

interface CallFlags extends CommonFlags {
  readonly data?: string;
}

/**
 * The value of --data. The parser's message is not shown as is: it quotes the text, which may
 * hold a default password, so only the position is kept.
 */
export function parseData(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const position = error instanceof Error ? /position \d+/.exec(error.message)?.[0] : undefined;
    throw new UsageError(
      `--data is not valid JSON${position === undefined ? '' : ` (${position})`}; ` +
        `quote it for the shell, e.g. --data '{"username":"user@example.com"}'`,
    );
  }
}

export function registerCallCommand(lastpass: Command): void {
  const command = lastpass
    .command('call')
    .description('send any Enterprise API command (also those lpprov has no typed support for) and print the answer as JSON')
    .argument('<cmd>', 'the API command, e.g. getuserdata (LastPass spells them in lower case)')
    .option('--data <json>', 'the command\'s data, as JSON, e.g. \'{"username":"user@example.com"}\'');
  withCommonOptions(command, { json: false }).action((cmd: string, flags: CallFlags) =>
    runWithLastPass(flags, async (client) => {
      const data = flags.data === undefined ? undefined : parseData(flags.data);
      const answer = await client.call(cmd, data);
      writeJson(answer.body);
      if (answer.outcome === 'partial') {
        // WARN: LastPass carried out part of it; the answer on stdout says which part.
        warn(`LastPass ${cmd} answered ${answer.status ?? 'WARN'}: ${answer.errors.join('; ') || 'partly done'}`);
      }
    }),
  );
}
