/**
 * The local playbook runner: a FindingPublisher for `vigil replay --response ...` and `vigil demo`
 * that runs the playbooks exactly as CDK synthesizes them. It builds a small stack holding only
 * the Playbooks construct, reads both state machine definitions out of its template, and runs
 * them with aws-local-stepfunctions, every Task state bound to the step its Lambda handler runs
 * (`lambdas/respond-*`). Cases and the containment budget live in the local state table, audit
 * records in the local audit table. Responders are in dry-run (they never call AWS): each
 * containment step records what it would write, and each notification records its text.
 *
 * Approvals: an execution that asks for approval waits, as in AWS, until it is answered through
 * `approve`/`deny` (the same code as `vigil case approve|deny`), answered by the `approvals`
 * option, or abandoned by `close()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { DynamoCaseStore, DynamoContainmentBudget } from '../lambdas/adapters/case-store.ts';
import type { ResponseMode, VigilConfig } from '../lambdas/core/config.ts';
import { compareSeverity, type Finding } from '../lambdas/core/finding.ts';
import type { AuditEntry, AuditLog, Clock, FindingPublisher } from '../lambdas/core/ports.ts';
import { executionArnFor } from '../lambdas/core/response/case-id.ts';
import { DryRunResponder } from '../lambdas/core/response/dry-run-responder.ts';
import type { ExecutionStarter, Notifier, RenderedNotice, Responder } from '../lambdas/core/response/ports.ts';
import { type CaseView, type RenderedCase, renderCase } from '../lambdas/core/response/render-case.ts';
import { responseSettings } from '../lambdas/core/response/settings.ts';
import type { ApprovalRequest } from '../lambdas/core/response/steps.ts';
import {
  type ApprovalAnswer,
  type CaseRecord,
  type CaseStatus,
  PLAYBOOK,
  STATE_NAMES,
} from '../lambdas/core/response/types.ts';
import { step as containStep } from '../lambdas/respond-contain/handler.ts';
import { step as decideStep } from '../lambdas/respond-decide/handler.ts';
import { step as enrichStep } from '../lambdas/respond-enrich/handler.ts';
import { step as notifyStep } from '../lambdas/respond-notify/handler.ts';
import { step as recordStep } from '../lambdas/respond-record/handler.ts';
import { step as releaseStep } from '../lambdas/respond-release/handler.ts';
import type { Wiring } from '../lambdas/respond-shared/wiring.ts';
import { step as startStep } from '../lambdas/respond-start/handler.ts';
import { Playbooks } from '../lib/constructs/playbooks.ts';
import {
  approveCase,
  type CaseCommandDeps,
  type CaseCommandResult,
  denyCase,
  releaseCase,
  TaskTokenExpiredError,
  type TaskTokens,
} from './case/case-commands.ts';

// aws-local-stepfunctions calls Promise.withResolvers (Node 22 and later); package.json still admits Node 20.
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: <T>() => {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

/** The synthesized definitions cannot be run locally. */
export class LocalPlaybookError extends Error {
  override readonly name = 'LocalPlaybookError';
}

/** The two playbooks as synthesized. */
export interface PlaybookDefinitions {
  readonly contain: StateMachineDefinition;
  readonly release: StateMachineDefinition;
}

const LOCAL_ACCOUNT = '000000000000';
const LOCAL_REGION = 'us-east-1';

/** Resolves the intrinsic functions a definition string holds into local placeholders. */
const resolveIntrinsics = (value: unknown): string => {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v['Fn::Join'])) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(resolveIntrinsics).join(separator);
  }
  if (Array.isArray(v['Fn::GetAtt'])) {
    const [logicalId] = v['Fn::GetAtt'] as [string, string];
    return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
  }
  if (typeof v.Ref === 'string') return v.Ref === 'AWS::Partition' ? 'aws' : `local-${v.Ref}`;
  throw new LocalPlaybookError(
    `definition holds ${JSON.stringify(value).slice(0, 120)}; expected strings, Fn::Join, Fn::GetAtt or Ref`,
  );
};

const definitionCache = new Map<number, PlaybookDefinitions>();

/**
 * Synthesizes a stack holding only the Playbooks construct (imported bus, topic, tables and key)
 * and reads the two state machine definitions from its template. Bundling is skipped: only the
 * definitions are read. Cached per approval timeout, the one setting the definitions hold.
 */
export const synthesizePlaybookDefinitions = (config: VigilConfig): PlaybookDefinitions => {
  const cached = definitionCache.get(config.response.approvalTimeoutMinutes);
  if (cached) return cached;
  // Only the definitions are read: no bundling, and no template validation (the deploy path validates).
  const outdir = mkdtempSync(join(tmpdir(), 'vigil-playbooks-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'VigilLocalPlaybooks', { env: { account: LOCAL_ACCOUNT, region: LOCAL_REGION } });
  const arn = (service: string, resource: string) => `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;
  const playbooks = new Playbooks(stack, 'Playbooks', {
    config,
    bus: events.EventBus.fromEventBusArn(stack, 'Bus', arn('events', 'event-bus/vigil')),
    topic: sns.Topic.fromTopicArn(stack, 'Topic', arn('sns', 'vigil')),
    stateTable: dynamodb.TableV2.fromTableName(stack, 'State', 'vigil-state'),
    auditTable: dynamodb.TableV2.fromTableName(stack, 'Audit', 'vigil-audit'),
    key: kms.Key.fromKeyArn(stack, 'Key', arn('kms', 'key/00000000-0000-0000-0000-000000000000')),
  });
  let template: { Resources: Record<string, { Properties?: { DefinitionString?: unknown } }> };
  try {
    template = app.synth().getStackArtifact(stack.artifactId).template;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  const read = (machine: sfn.IStateMachine): StateMachineDefinition => {
    const cfn = machine.node.defaultChild as sfn.CfnStateMachine;
    const logicalId = stack.resolve(stack.getLogicalId(cfn)) as string;
    const text = resolveIntrinsics(template.Resources[logicalId]?.Properties?.DefinitionString);
    return JSON.parse(text) as StateMachineDefinition;
  };
  const definitions = { contain: read(playbooks.containPrincipal), release: read(playbooks.releasePrincipal) };
  definitionCache.set(config.response.approvalTimeoutMinutes, definitions);
  return definitions;
};

/** How the local runner answers an approval request. */
export type LocalApproval =
  | { readonly approve: string; readonly reason?: string }
  | { readonly deny: string; readonly reason?: string }
  | 'timeout'
  | 'wait';

/** Options of the local runner. */
export interface LocalPlaybooksOptions {
  readonly config: VigilConfig;
  readonly doc: DynamoDBDocumentClient;
  readonly stateTableName: string;
  readonly audit: AuditLog;
  /** @default - the configured mode of each severity */
  readonly mode?: ResponseMode;
  readonly clock: Clock;
  /** @default - a DryRunResponder: nothing is changed, every step records what it would write */
  readonly responder?: Responder;
  /**
   * Answers approval requests as they come (an approver ARN approves or denies through the same
   * code as `vigil case approve|deny`).
   * @default - 'wait': the request waits for `approve`, `deny` or `close`
   */
  readonly approvals?: (caseId: string) => LocalApproval | Promise<LocalApproval>;
  /** @default - every notifier records instead of sending: an SNS email text, and Slack blocks when Slack is configured */
  readonly notifiers?: readonly Notifier[];
}

/** A case in one line, for summaries. */
export interface CaseSummary {
  readonly caseId: string;
  readonly principal: Finding['principal'];
  readonly severity: Finding['severity'];
  readonly risk: number;
  readonly title: string;
  readonly detector: string;
  readonly mode: ResponseMode;
  readonly status: CaseStatus;
  readonly outcome: string | null;
  readonly findings: number;
  readonly executionId: string;
  readonly actions: readonly { readonly description: string; readonly status: string }[];
}

/** The local runner. */
export interface LocalPlaybooks extends FindingPublisher {
  /** Every case started in this run, most serious first. */
  cases(): CaseSummary[];
  /** Everything shown about a case, or null when this run did not open it. */
  caseView(caseId: string): Promise<CaseView | null>;
  /** Every case, rendered as the security team sees it, most serious first. */
  renderCases(): Promise<RenderedCase[]>;
  /** `vigil case approve`, locally, as `callerArn`. */
  approve(caseId: string, callerArn: string, reason?: string): Promise<CaseCommandResult>;
  /** `vigil case deny`, locally, as `callerArn`. */
  deny(caseId: string, callerArn: string, reason?: string): Promise<CaseCommandResult>;
  /** `vigil case release`, locally, as `callerArn`; resolves once the release playbook has ended. */
  release(caseId: string, callerArn: string, reason?: string): Promise<CaseCommandResult>;
  /** Resolves when every execution has ended or waits for an approval. */
  idle(): Promise<void>;
  /** Abandons executions still waiting for an approval and waits for the rest. */
  close(): Promise<void>;
}

interface LocalExecution {
  readonly name: string;
  readonly caseId: string;
  readonly executionId: string;
  readonly result: Promise<unknown>;
  /** Resolves when the execution ends or parks on an approval. */
  readonly settled: Promise<void>;
  abort(): void;
}

/** A notifier that records instead of sending. */
class RecordingNotifier implements Notifier {
  readonly dryRun = true;
  readonly sent: RenderedNotice[] = [];
  constructor(readonly channel: string) {}
  async send(notice: RenderedNotice): Promise<void> {
    this.sent.push(notice);
  }
}

const json = (value: unknown): never => (value === undefined ? null : JSON.parse(JSON.stringify(value))) as never;

const payloadOf = (input: unknown): unknown => {
  const v = input as { FunctionName?: unknown; Payload?: unknown } | null;
  return v !== null && typeof v === 'object' && 'FunctionName' in v && 'Payload' in v ? v.Payload : input;
};

const namedError = (name: string, message: string): Error => {
  const error = new Error(message);
  error.name = name;
  return error;
};

/** Creates the local runner. Synthesizes the playbooks once per process (a few seconds). */
export const createLocalPlaybooks = async (opts: LocalPlaybooksOptions): Promise<LocalPlaybooks> => {
  const definitions = synthesizePlaybookDefinitions(opts.config);
  const notifiers = opts.notifiers ?? [
    new RecordingNotifier('sns'),
    ...(opts.config.response.slackWebhookSecretName ? [new RecordingNotifier('slack')] : []),
  ];
  const settings = responseSettings(
    opts.config,
    { ownPrincipals: [], responderAccountId: null, slack: notifiers.some((n) => n.channel === 'slack') },
    opts.mode,
  );
  const cases = new DynamoCaseStore(opts.doc, opts.stateTableName);
  const trails = new Map<string, AuditEntry[]>();
  const audit = {
    append: async (entries: readonly AuditEntry[]) => {
      await opts.audit.append(entries);
      for (const entry of entries) {
        if (!entry.caseId) continue;
        const trail = trails.get(entry.caseId) ?? [];
        trail.push(structuredClone(entry));
        trails.set(entry.caseId, trail);
      }
    },
    seal: async () => {},
  };
  const executions = new Map<string, LocalExecution>();
  const pendingTokens = new Map<string, { resolve: (v: ApprovalAnswer) => void; reject: (e: Error) => void }>();
  const parkedSignals = new Map<string, () => void>();
  const findingsByCase = new Map<string, Finding[]>();
  const summaries = new Map<string, CaseSummary>();

  const containArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${PLAYBOOK.contain}`;
  const releaseArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${PLAYBOOK.release}`;

  const tokens: TaskTokens = {
    succeed: async (token, output) => {
      const pending = pendingTokens.get(token);
      if (!pending) throw new TaskTokenExpiredError(`no local execution waits on ${token}`);
      pendingTokens.delete(token);
      pending.resolve(output);
    },
    fail: async (token, error, cause) => {
      const pending = pendingTokens.get(token);
      if (!pending) throw new TaskTokenExpiredError(`no local execution waits on ${token}`);
      pendingTokens.delete(token);
      pending.reject(namedError(error, cause));
    },
  };

  // Filled below: the starters run executions with handlers that need the wiring.
  let wiring: Wiring;
  const commandDeps = (callerArn: string): CaseCommandDeps => ({
    approvers: settings.approvers,
    cases,
    audit,
    identity: { callerArn: async () => callerArn },
    tokens,
    releases: releaseStarter,
    clock: opts.clock,
  });

  /** Answers an approval request as the `approvals` option says; false when it is to wait. */
  const answerApproval = async (caseId: string): Promise<boolean> => {
    const answer = opts.approvals ? await opts.approvals(caseId) : 'wait';
    if (answer === 'wait') return false;
    if (answer === 'timeout') {
      const token = `local-token:${caseId}`;
      const pending = pendingTokens.get(token);
      pendingTokens.delete(token);
      pending?.reject(namedError('States.Timeout', 'the approval task timed out'));
    } else if ('approve' in answer) {
      await approveCase(caseId, { reason: answer.reason }, commandDeps(answer.approve));
    } else {
      await denyCase(caseId, { reason: answer.reason }, commandDeps(answer.deny));
    }
    return true;
  };

  const bind =
    <I, O>(step: (input: I, w: Wiring) => Promise<O>) =>
    async (input: unknown) =>
      json(await step(payloadOf(input) as I, wiring));

  const handlersFor = (name: string) => ({
    [STATE_NAMES.enrich]: bind(enrichStep),
    [STATE_NAMES.decide]: bind(decideStep),
    [STATE_NAMES.contain]: bind(containStep),
    [STATE_NAMES.notify]: bind(notifyStep),
    [STATE_NAMES.record]: bind(recordStep),
    [STATE_NAMES.release]: bind(releaseStep),
    [STATE_NAMES.awaitApproval]: async (input: unknown) => {
      const request = payloadOf(input) as ApprovalRequest;
      const answer = new Promise<ApprovalAnswer>((resolve, reject) =>
        pendingTokens.set(request.taskToken, { resolve, reject }),
      );
      // Awaited below; this keeps a rejection that comes first from being reported as unhandled.
      answer.catch(() => {});
      await notifyStep(request, wiring);
      if (!(await answerApproval(request.state.caseId))) parkedSignals.get(name)?.();
      return json(await answer);
    },
  });

  const run = (
    machine: StateMachineDefinition,
    stateMachineArn: string,
    name: string,
    caseId: string,
    input: unknown,
  ): LocalExecution => {
    const handlers = handlersFor(name);
    for (const [stateName, state] of Object.entries(machine.States)) {
      // Without a binding aws-local-stepfunctions would invoke the Lambda in AWS: never from a local run.
      if (state.Type === 'Task' && !(stateName in handlers))
        throw new LocalPlaybookError(
          `task ${stateName} has no local binding; expected one of ${Object.keys(handlers).join(', ')}`,
        );
    }
    const executionId = executionArnFor(stateMachineArn, name);
    let parked!: () => void;
    const parkedPromise = new Promise<void>((resolve) => {
      parked = resolve;
    });
    parkedSignals.set(name, parked);
    const execution = new StateMachine(machine, { validationOptions: { checkArn: false } }).run(json(input), {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: { Execution: { Id: executionId, Name: name }, Task: { Token: `local-token:${caseId}` } },
    });
    const result = execution.result.finally(() => parkedSignals.delete(name));
    const settled = Promise.race([
      result.then(
        () => undefined,
        () => undefined,
      ),
      parkedPromise,
    ]);
    const local: LocalExecution = { name, caseId, executionId, result, settled, abort: execution.abort };
    executions.set(name, local);
    return local;
  };

  const startedNow: LocalExecution[] = [];
  const containStarter: ExecutionStarter = {
    executionIdFor: (name) => executionArnFor(containArn, name),
    start: async (name, input) => {
      const existing = executions.get(name);
      if (existing) return { executionId: existing.executionId, started: false };
      const execution = run(definitions.contain, containArn, name, (input as { caseId: string }).caseId, input);
      startedNow.push(execution);
      return { executionId: execution.executionId, started: true };
    },
  };
  const releaseStarter: ExecutionStarter = {
    executionIdFor: (name) => executionArnFor(releaseArn, name),
    start: async (name, input) => {
      const existing = executions.get(name);
      if (existing) return { executionId: existing.executionId, started: false };
      const execution = run(definitions.release, releaseArn, name, (input as { caseId: string }).caseId, input);
      startedNow.push(execution);
      return { executionId: execution.executionId, started: true };
    },
  };

  wiring = {
    settings,
    cases,
    budget: new DynamoContainmentBudget(opts.doc, opts.stateTableName),
    audit,
    clock: opts.clock,
    responder: opts.responder ?? new DryRunResponder('local run: IAM is not read, nothing is changed'),
    notifiers,
    starter: containStarter,
  };

  const summarize = async (caseId: string): Promise<void> => {
    const record = await cases.get(caseId);
    if (!record) return;
    const f = record.openingFinding;
    summaries.set(caseId, {
      caseId,
      principal: record.principal,
      severity: record.severity,
      risk: f.risk,
      title: f.title,
      detector: f.detector,
      mode: record.mode,
      status: record.status,
      outcome: record.outcome ?? null,
      findings: record.findingIds.length,
      executionId: record.executionId,
      actions: (record.actions ?? record.decision?.plan.map((a) => ({ action: a, status: 'proposed' })) ?? []).map(
        (a) => ({
          description: a.action.description,
          status: a.status,
        }),
      ),
    });
  };

  const drain = async (): Promise<void> => {
    while (startedNow.length > 0) {
      const batch = startedNow.splice(0);
      await Promise.all(batch.map((e) => e.settled));
      await Promise.all(batch.map((e) => summarize(e.caseId)));
    }
  };

  const severityOrder = (a: CaseSummary, b: CaseSummary) =>
    compareSeverity(b.severity, a.severity) ||
    b.risk - a.risk ||
    b.findings - a.findings ||
    a.caseId.localeCompare(b.caseId);

  const view = async (caseId: string): Promise<CaseView | null> => {
    const record: CaseRecord | null = await cases.get(caseId);
    if (!record || !summaries.has(caseId)) return null;
    const trail = trails.get(caseId) ?? [];
    const notices = trail
      .filter((e) => e.type === 'notification')
      .map((e) => {
        const data = (e.data ?? {}) as { subject?: string; text?: string };
        return { subject: data.subject ?? '', text: data.text ?? '', channel: e.target ?? '', status: e.result ?? '' };
      });
    return { record, findings: findingsByCase.get(caseId) ?? [record.openingFinding], notices, trail };
  };

  const afterCommand = async (result: CaseCommandResult, caseId: string): Promise<CaseCommandResult> => {
    await drain();
    // An answered approval does not park again: its execution runs to its end, as a release does.
    const execution = [...executions.values()].find((e) => e.executionId === result.executionId);
    if (execution) await execution.result.catch(() => undefined);
    await summarize(caseId);
    return result;
  };

  return {
    async publish(findings) {
      const responses = new Map<string, Finding['response']>();
      for (const finding of findings) {
        const response = await startStep({ detail: finding }, wiring);
        responses.set(finding.id, response);
        if (response) {
          const caseId = response.executionId.split(':').pop() ?? '';
          const list = findingsByCase.get(caseId) ?? [];
          if (!list.some((f) => f.id === finding.id)) list.push(structuredClone(finding));
          findingsByCase.set(caseId, list);
          if (!summaries.has(caseId)) await summarize(caseId);
        }
      }
      await drain();
      return responses;
    },
    cases: () => [...summaries.values()].sort(severityOrder),
    caseView: view,
    async renderCases() {
      const out: RenderedCase[] = [];
      for (const summary of [...summaries.values()].sort(severityOrder)) {
        const v = await view(summary.caseId);
        if (v) out.push(renderCase(v));
      }
      return out;
    },
    approve: async (caseId, callerArn, reason) =>
      afterCommand(await approveCase(caseId, { reason }, commandDeps(callerArn)), caseId),
    deny: async (caseId, callerArn, reason) =>
      afterCommand(await denyCase(caseId, { reason }, commandDeps(callerArn)), caseId),
    release: async (caseId, callerArn, reason) =>
      afterCommand(await releaseCase(caseId, { reason }, commandDeps(callerArn)), caseId),
    idle: drain,
    async close() {
      for (const execution of executions.values()) {
        if (pendingTokens.has(`local-token:${execution.caseId}`)) execution.abort();
      }
      // Settling the abandoned approvals ends their tasks, whose timeout timers would keep the process alive.
      for (const [token, pending] of pendingTokens) {
        pendingTokens.delete(token);
        pending.reject(namedError('VigilLocalRunClosed', 'the local run ended before anyone answered'));
      }
      await Promise.all([...executions.values()].map((e) => e.result.catch(() => undefined)));
    },
  };
};
