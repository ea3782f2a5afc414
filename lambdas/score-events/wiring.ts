/**
 * Wires the scorer from its environment, once per execution environment: SDK clients, adapters,
 * the configuration, detectors and baseline. A missing or bad setting fails the cold start with a
 * message naming it, rather than the first batch halfway through.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { createDocumentClient } from '../adapters/document-client.ts';
import { DynamoAuditLog } from '../adapters/dynamo-audit-log.ts';
import { DynamoFileLedger } from '../adapters/dynamo-file-ledger.ts';
import { DynamoFindingStore } from '../adapters/dynamo-finding-store.ts';
import { newDynamoMetrics } from '../adapters/dynamo-items.ts';
import { DynamoPrincipalStateStore } from '../adapters/dynamo-principal-state-store.ts';
import { EventBridgePublisher } from '../adapters/eventbridge-publisher.ts';
import { type GeoDatabase, loadGeo, openGeoDatabase } from '../adapters/geo.ts';
import { S3LogSource } from '../adapters/s3-log-source.ts';
import { createBaselineModel } from '../core/baseline/index.ts';
import { ALL_DETECTORS } from '../core/catalog.ts';
import { parseConfig } from '../core/config.ts';
import type { GeoLookup } from '../core/detector.ts';
import type { Clock } from '../core/ports.ts';
import type { ScorerDeps } from './process-batch.ts';
import { type LineWriter, Logger, Metrics, stdoutWriter } from './telemetry.ts';

/** A required setting is missing from the environment. */
export class MissingEnvironmentError extends Error {
  override readonly name = 'MissingEnvironmentError';
}

/** The value of `name` in `env`; throws MissingEnvironmentError naming it when unset or empty. */
export const requireEnv = (env: NodeJS.ProcessEnv, name: string): string => {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new MissingEnvironmentError(`environment variable ${name} is not set; expected the scorer's stack to set it`);
  }
  return value;
};

/** The SDK clients the scorer talks through; tests pass their own. */
export interface ScorerClients {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly eventBridge: EventBridgeClient;
}

/** What tests replace when wiring the scorer. */
export interface WireOptions {
  /** @default - clients configured from the Lambda environment */
  readonly clients?: ScorerClients;
  /** @default - stdout */
  readonly write?: LineWriter;
  /** @default - the IP databases (see GEO_DIR) */
  readonly geo?: GeoLookup;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * The IP databases: from `GEO_DIR` (relative to the handler's bundle, where bundling copies them)
 * when set, else from the installed npm packages. Opened on the first lookup.
 */
const geoFrom = (env: NodeJS.ProcessEnv): GeoLookup => {
  const dir = env.GEO_DIR;
  if (dir === undefined || dir === '') return loadGeo();
  const root = resolve(dirname(fileURLToPath(import.meta.url)), dir);
  let db: GeoDatabase | undefined;
  return {
    lookup(ip) {
      db ??= openGeoDatabase({
        asnIpv4Csv: join(root, 'asn-ipv4-num.csv'),
        asnIpv6Csv: join(root, 'asn-ipv6.csv'),
        countryMmdb: join(root, 'geo-whois-asn-country.mmdb'),
      });
      return db.lookup(ip);
    },
  };
};

/** Builds the scorer's dependencies from `env` (STATE_TABLE_NAME, AUDIT_TABLE_NAME, EVENT_BUS_NAME, VIGIL_CONFIG, ...). */
export const wireScorer = (env: NodeJS.ProcessEnv, options: WireOptions = {}): ScorerDeps => {
  const stateTable = requireEnv(env, 'STATE_TABLE_NAME');
  const auditTable = requireEnv(env, 'AUDIT_TABLE_NAME');
  const busName = requireEnv(env, 'EVENT_BUS_NAME');
  const config = parseConfig(JSON.parse(requireEnv(env, 'VIGIL_CONFIG')), 'VIGIL_CONFIG');
  const ownPrincipals = (env.OWN_ROLE_ARNS ?? '').split(',').filter((arn) => arn !== '');
  const sdk = options.clients ?? {
    dynamodb: new DynamoDBClient({}),
    s3: new S3Client({}),
    eventBridge: new EventBridgeClient({}),
  };
  const doc = createDocumentClient(sdk.dynamodb);
  const dynamoMetrics = newDynamoMetrics();
  const audit = new DynamoAuditLog(doc, auditTable, { writer: 'scorer', clock: systemClock, metrics: dynamoMetrics });
  return {
    score: {
      config,
      detectors: ALL_DETECTORS,
      baseline: createBaselineModel(),
      geo: options.geo ?? geoFrom(env),
      states: new DynamoPrincipalStateStore(doc, stateTable, dynamoMetrics),
      findings: new DynamoFindingStore(doc, stateTable, dynamoMetrics),
      audit,
      publisher: new EventBridgePublisher(sdk.eventBridge, busName),
      clock: systemClock,
      ownPrincipals,
    },
    ledger: new DynamoFileLedger(doc, stateTable, systemClock, dynamoMetrics),
    logFiles: new S3LogSource(sdk.s3),
    capacity: dynamoMetrics,
    afterBatch: () => audit.seal(),
    logger: new Logger('vigil-scorer', env.AWS_LAMBDA_LOG_LEVEL ?? env.LOG_LEVEL, options.write ?? stdoutWriter),
    metrics: new Metrics('Vigil', { Service: 'scorer' }, options.write ?? stdoutWriter),
  };
};
