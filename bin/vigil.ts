/**
 * The `vigil` command line: `replay`, `demo`, `audit`, `case`, `bench`. Each command is a thin
 * shell over the same core and adapters the Lambda handlers use.
 */
import { Command, CommanderError } from 'commander';
import { registerAudit, registerCaseAnswers } from '../cli/audit-command.ts';
import { registerBench } from '../cli/bench-command.ts';
import { registerDemo } from '../cli/demo-command.ts';
import { registerReplay } from '../cli/replay-command.ts';

const program = new Command('vigil')
  .description('Vigil: finds insiders in an AWS organisation from CloudTrail, and answers with playbooks.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerReplay(program);
registerDemo(program);
registerCaseAnswers(registerAudit(program));
registerBench(program);

/**
 * Errors caused by what the user gave us: exit 2 with their one-line message. Matched by name so
 * the heavy modules that define them load only when a command needs them.
 */
const USER_ERRORS = new Set([
  'UsageError',
  'ConfigError',
  'InputError',
  'StoreBusyError',
  'NotAStoreError',
  'StoreOpenError',
  'DemoOptionsError',
  'CaseStateError',
  'UnknownCaseError',
  'NotAnApproverError',
  'SelfApprovalError',
  'CaseIdError',
  'TaskTokenExpiredError',
]);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; every other commander error is a usage error.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof Error && USER_ERRORS.has(error.name)) {
    process.stderr.write(`vigil: ${(error as Error).message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(
      `vigil: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
