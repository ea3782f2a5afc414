/**
 * Not a Lambda: the wiring the `respond-*` handlers share. Each handler builds its dependencies
 * once per execution environment, from the environment variables the Playbooks construct sets,
 * and only those it uses: a client is made on first use.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoCaseStore, DynamoContainmentBudget } from '../adapters/case-store.ts';
import { createDocumentClient } from '../adapters/document-client.ts';
import { DynamoAuditLog } from '../adapters/dynamo-audit-log.ts';
import { IamResponder } from '../adapters/iam-responder.ts';
import { SlackNotifier } from '../adapters/slack-notifier.ts';
import { SnsNotifier } from '../adapters/sns-notifier.ts';
import type { AuditLog, Clock } from '../core/ports.ts';
import type { CaseStore, ContainmentBudget, ExecutionStarter, Notifier, Responder } from '../core/response/ports.ts';
import { parseResponseSettings, type ResponseSettings } from '../core/response/settings.ts';
import { SfnExecutionStarter } from '../respond-start/sfn-starter.ts';

/** Names of the environment variables the Playbooks construct sets. */
export const ENV = {
  settings: 'VIGIL_RESPONSE_SETTINGS',
  stateTable: 'STATE_TABLE_NAME',
  auditTable: 'AUDIT_TABLE_NAME',
  topic: 'TOPIC_ARN',
  slackSecret: 'SLACK_SECRET_ID',
  containStateMachine: 'CONTAIN_STATE_MACHINE_ARN',
} as const;

/** A required environment variable is missing. */
export class MissingEnvironmentError extends Error {
  override readonly name = 'MissingEnvironmentError';
}

/** The variable's value; throws MissingEnvironmentError naming it when unset or empty. */
export const requireEnv = (name: string, env: NodeJS.ProcessEnv = process.env): string => {
  const value = env[name];
  if (!value)
    throw new MissingEnvironmentError(
      `environment variable ${name} is not set; expected the Playbooks construct to set it`,
    );
  return value;
};

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Everything a response step may need, each made on first use. */
export interface Wiring {
  readonly settings: ResponseSettings;
  readonly cases: CaseStore;
  readonly budget: ContainmentBudget;
  /** Sealed after each invocation, so what a step recorded is anchored before it returns. */
  readonly audit: AuditLog & { seal(): Promise<void> };
  readonly clock: Clock;
  readonly responder: Responder;
  readonly notifiers: readonly Notifier[];
  readonly starter: ExecutionStarter;
}

const lazy = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
};

/** Wiring from the environment, for the audit writer `writer` (e.g. `playbook-decide`). */
export const wireFromEnv = (writer: string, env: NodeJS.ProcessEnv = process.env): Wiring => {
  const doc = lazy((): DynamoDBDocumentClient => createDocumentClient(new DynamoDBClient({})));
  const settings = lazy(() => parseResponseSettings(requireEnv(ENV.settings, env)));
  const cases = lazy(() => new DynamoCaseStore(doc(), requireEnv(ENV.stateTable, env)));
  const budget = lazy(() => new DynamoContainmentBudget(doc(), requireEnv(ENV.stateTable, env)));
  const audit = lazy(() => new DynamoAuditLog(doc(), requireEnv(ENV.auditTable, env), { writer, clock: systemClock }));
  const responder = lazy(() => new IamResponder(new IAMClient({}), { s3: new S3Client({}) }));
  const notifiers = lazy((): Notifier[] => {
    const list: Notifier[] = [new SnsNotifier(new SNSClient({}), requireEnv(ENV.topic, env))];
    const secret = env[ENV.slackSecret];
    if (secret) list.push(new SlackNotifier(new SecretsManagerClient({}), secret));
    return list;
  });
  const starter = lazy(() => new SfnExecutionStarter(new SFNClient({}), requireEnv(ENV.containStateMachine, env)));
  return {
    get settings() {
      return settings();
    },
    get cases() {
      return cases();
    },
    get budget() {
      return budget();
    },
    get audit() {
      return audit();
    },
    clock: systemClock,
    get responder() {
      return responder();
    },
    get notifiers() {
      return notifiers();
    },
    get starter() {
      return starter();
    },
  };
};

/**
 * A Lambda handler over a step: wires once per execution environment, and seals the audit
 * chain after each invocation, so every record a step wrote is anchored before it returns.
 */
export const lambdaHandler = <I, O>(
  writer: string,
  step: (input: I, wiring: Wiring) => Promise<O>,
): ((input: I) => Promise<O>) => {
  let wiring: Wiring | undefined;
  return async (input: I) => {
    wiring ??= wireFromEnv(writer);
    try {
      return await step(input, wiring);
    } finally {
      await wiring.audit.seal();
    }
  };
};
