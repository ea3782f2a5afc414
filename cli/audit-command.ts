/** `vigil audit query|export|verify` and `vigil case show|export`: wiring to cli/audit. */
import { type Command, Option } from 'commander';
import { UsageError } from './errors.ts';
import { openAuditTable, type TableFlags, withTableFlags } from './table-access.ts';

const count = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new UsageError(`--limit expects a whole number of 1 or more, got ${JSON.stringify(value)}`);
  return parsed;
};

/** Runs `body` against the audit table the flags name, closing it after. */
const withAuditTable = async <T>(
  flags: TableFlags,
  body: (deps: { doc: import('@aws-sdk/lib-dynamodb').DynamoDBDocumentClient; tableName: string }) => Promise<T>,
): Promise<T> => {
  const table = await openAuditTable(flags);
  try {
    return await body({ doc: table.doc, tableName: table.tableName });
  } finally {
    await table.close();
  }
};

interface QueryFlags extends TableFlags {
  principal?: string;
  case?: string;
  finding?: string;
  detector?: string;
  actor?: string;
  type?: string;
  since?: string;
  until?: string;
  limit?: number;
  format: 'table' | 'jsonl';
}

/** Adds `audit` and `case show|export` to the program; returns the `case` command for more subcommands. */
export const registerAudit = (program: Command): Command => {
  const audit = program
    .command('audit')
    .description('Query, export and verify the audit table, local (--store) or in AWS (--table).');

  withTableFlags(
    audit
      .command('query')
      .description('Audit records that match, oldest first (with no filter: the last 7 days)')
      .option(
        '--principal <key>',
        'principal key as findings carry it, e.g. user:123456789012:alice or person:alice@example.com',
      )
      .option('--case <id>', 'case id')
      .option('--finding <id>', 'finding id')
      .option('--detector <id>', 'detector id, e.g. iam.access-key-created-for-other-user')
      .option('--actor <who>', 'who acted: an approver ARN, vigil:playbook')
      .option(
        '--type <type>',
        'record type: finding, finding-suppressed, case-opened, decision, approval, denial, action, notification, case-closed',
      )
      .option('--since <time>', 'ISO date or time, a month (2026-10), or a time ago (7d, 24h); inclusive')
      .option('--until <time>', 'as --since; exclusive')
      .option('--limit <n>', 'stop after this many records', count)
      .addOption(new Option('--format <format>', 'output').choices(['table', 'jsonl']).default('table')),
    'audit',
  ).action(async (flags: QueryFlags) => {
    const { auditQuery } = await import('./audit/index.ts');
    await withAuditTable(flags, (deps) =>
      auditQuery(
        {
          principal: flags.principal,
          caseId: flags.case,
          findingId: flags.finding,
          detector: flags.detector,
          actor: flags.actor,
          type: flags.type,
          since: flags.since,
          until: flags.until,
          limit: flags.limit,
          format: flags.format,
        },
        deps,
        process.stdout,
      ),
    );
  });

  withTableFlags(
    audit
      .command('export')
      .description('Stream audit records in a time range to a file: CSV safe to open in a spreadsheet, or JSON Lines')
      .requiredOption('--since <time>', 'ISO date or time, a month (2026-10), or a time ago (30d); inclusive')
      .option('--until <time>', 'as --since; exclusive (default: now)')
      .addOption(new Option('--format <format>', 'file format').choices(['csv', 'jsonl']).default('csv'))
      .requiredOption('--out <file>', 'file to write'),
    'audit',
  ).action(async (flags: TableFlags & { since: string; until?: string; format: 'csv' | 'jsonl'; out: string }) => {
    const { auditExport } = await import('./audit/index.ts');
    await withAuditTable(flags, (deps) =>
      auditExport(
        { since: flags.since, until: flags.until, format: flags.format, out: flags.out },
        deps,
        process.stdout,
      ),
    );
  });

  withTableFlags(
    audit
      .command('verify')
      .description('Walk every hash chain and report the first broken link of each (exit 1 when broken)')
      .option('--expect-anchor <seq:hash>', 'the anchor head a previous verify printed: fail if it was rewritten')
      .option('--quiet', 'print only problems and the verdict', false),
    'audit',
  ).action(async (flags: TableFlags & { expectAnchor?: string; quiet: boolean }) => {
    const { auditVerify } = await import('./audit/index.ts');
    const result = await withAuditTable(flags, (deps) =>
      auditVerify(deps, process.stdout, { expectAnchor: flags.expectAnchor, quiet: flags.quiet }),
    );
    process.exitCode = result.exitCode;
  });

  const kase = program.command('case').description('Show, export, approve, deny and release cases.');
  withTableFlags(
    kase
      .command('show')
      .description("A case's timeline: findings, decisions, approvals, actions, notifications")
      .argument('<caseId>'),
    'audit',
  ).action(async (caseId: string, flags: TableFlags) => {
    const { caseShow } = await import('./audit/index.ts');
    await withAuditTable(flags, (deps) => caseShow(caseId, deps, process.stdout));
  });
  withTableFlags(
    kase
      .command('export')
      .description(
        'Write an evidence bundle: findings, the CloudTrail records behind them, decisions, approvals, actions, and a SHA-256 manifest',
      )
      .argument('<caseId>')
      .requiredOption('--out <dir>', 'a new or empty folder for the bundle')
      .option(
        '--bucket <name>',
        'also upload the bundle to this S3 bucket (the Object Lock evidence bucket Vigil deploys)',
      ),
    'audit',
  ).action(async (caseId: string, flags: TableFlags & { out: string; bucket?: string }) => {
    const { caseExport } = await import('./audit/index.ts');
    let bucket: import('./audit/index.ts').BundleBucket | undefined;
    if (flags.bucket) {
      const { S3Client } = await import('@aws-sdk/client-s3');
      bucket = { client: new S3Client(flags.region ? { region: flags.region } : {}), bucket: flags.bucket };
    }
    await withAuditTable(flags, (deps) => caseExport(caseId, flags.out, deps, process.stdout, bucket));
  });
  return kase;
};

interface AnswerFlags {
  stateTable: string;
  auditTable: string;
  releaseStateMachine?: string;
  config?: string;
  region?: string;
  reason?: string;
}

/** Adds `case approve|deny|release`: answers a case in a deployment, as the caller's own AWS identity. */
export const registerCaseAnswers = (kase: Command): void => {
  const answer = (name: 'approve' | 'deny' | 'release', description: string) =>
    kase
      .command(name)
      .description(description)
      .argument('<caseId>')
      .requiredOption('--state-table <name>', 'the deployed state table (stack output StateTableName)')
      .requiredOption('--audit-table <name>', 'the deployed audit table (stack output AuditTableName)')
      .option(
        '--config <file>',
        'the configuration the stack was deployed with: its response.approvers say who may answer',
      )
      .option('--region <region>', 'AWS region of the deployment (default: the AWS_REGION of your environment)')
      .option('--reason <text>', 'why: recorded in the audit and sent with the notice');
  const run = async (name: 'approve' | 'deny' | 'release', caseId: string, flags: AnswerFlags): Promise<void> => {
    if (name === 'release' && !flags.releaseStateMachine) {
      throw new UsageError('case release needs --release-state-machine ARN (stack output ReleaseStateMachineArn)');
    }
    const [
      { loadConfigFile },
      sdk,
      sfnSdk,
      stsSdk,
      { createDocumentClient },
      { DynamoCaseStore },
      { DynamoAuditLog },
      ports,
      commands,
      starter,
    ] = await Promise.all([
      import('./config-file.ts'),
      import('@aws-sdk/client-dynamodb'),
      import('@aws-sdk/client-sfn'),
      import('@aws-sdk/client-sts'),
      import('../lambdas/adapters/document-client.ts'),
      import('../lambdas/adapters/case-store.ts'),
      import('../lambdas/adapters/dynamo-audit-log.ts'),
      import('./case/aws-ports.ts'),
      import('./case/case-commands.ts'),
      import('../lambdas/respond-start/sfn-starter.ts'),
    ]);
    const config = await loadConfigFile(flags.config);
    const region = flags.region ? { region: flags.region } : {};
    const client = new sdk.DynamoDBClient(region);
    const doc = createDocumentClient(client);
    const sfn = new sfnSdk.SFNClient(region);
    const clock = { now: () => Date.now() };
    const audit = new DynamoAuditLog(doc, flags.auditTable, { writer: `vigil-case-${name}`, clock });
    const deps = {
      approvers: config.response.approvers,
      cases: new DynamoCaseStore(doc, flags.stateTable),
      audit,
      identity: new ports.StsCallerIdentity(new stsSdk.STSClient(region)),
      tokens: new ports.SfnTaskTokens(sfn),
      releases: new starter.SfnExecutionStarter(
        sfn,
        flags.releaseStateMachine ?? 'arn:aws:states:::stateMachine:unused',
      ),
      clock,
    };
    try {
      const act =
        name === 'approve' ? commands.approveCase : name === 'deny' ? commands.denyCase : commands.releaseCase;
      const result = await act(caseId, { reason: flags.reason }, deps);
      process.stdout.write(
        `${name === 'approve' ? 'approved' : name === 'deny' ? 'denied' : 'release started for'} case ${result.caseId} as ${result.by} (approver entry ${result.as}); execution ${result.executionId}\n`,
      );
    } finally {
      await audit.seal();
      client.destroy();
    }
  };
  answer('approve', 'Approve the containment a case waits for').action((caseId: string, flags: AnswerFlags) =>
    run('approve', caseId, flags),
  );
  answer('deny', 'Deny the containment a case waits for').action((caseId: string, flags: AnswerFlags) =>
    run('deny', caseId, flags),
  );
  answer('release', 'Undo a containment from the before-state it recorded')
    .option('--release-state-machine <arn>', 'the release playbook (stack output ReleaseStateMachineArn)')
    .action((caseId: string, flags: AnswerFlags) => run('release', caseId, flags));
};
