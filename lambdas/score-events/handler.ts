/**
 * The scorer's Lambda handler.
 *
 * Trigger: two SQS event source mappings: the fast queue (CloudTrail events the fast-path rule
 * picked off the default bus, seconds old) and the bulk queue (S3 "Object Created" events for the
 * trail's log files, minutes old).
 * Input: an SQSEvent; each message body is an EventBridge event (see ./process-batch.ts).
 * Output: an SQSBatchResponse naming the messages SQS must redeliver; the rest are done.
 * Side effects: reads log files from the trail bucket; reads and writes principal state, findings
 * and processed-file markers in the state table; appends records to the audit table; puts "Vigil
 * Finding" events on Vigil's bus; writes JSON log lines and Embedded Metric Format metrics.
 *
 * Dependencies are wired at cold start from the environment the stack sets; a missing setting
 * fails the cold start, naming it.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { processBatch } from './process-batch.ts';
import { wireScorer } from './wiring.ts';

const deps = wireScorer(process.env);

/** Scores one SQS batch; see the module comment. */
export const handler = async (
  event: SQSEvent,
  context?: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
): Promise<SQSBatchResponse> => {
  deps.logger.setContext(context ? { requestId: context.awsRequestId } : {});
  return processBatch(event, deps, context ? () => context.getRemainingTimeInMillis() : undefined);
};
