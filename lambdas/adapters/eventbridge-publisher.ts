/**
 * Publishes alerting findings to Vigil's event bus as "Vigil Finding" events, whose detail is the
 * finding exactly as ../shared/CONTRACT.md specifies it. The playbooks' rule on that bus starts a
 * state machine execution named by case, so a finding published twice starts nothing new.
 */
import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Finding } from '../core/finding.ts';
import type { FindingPublisher } from '../core/ports.ts';

/** `source` of the events the scorer publishes: what the playbooks' rule matches. */
export const FINDING_EVENT_SOURCE = 'vigil.scorer';
/** `detail-type` of the events the scorer publishes. */
export const FINDING_DETAIL_TYPE = 'Vigil Finding';

/** PutEvents takes at most 10 entries and 256 KB a request. */
const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;
const MAX_ATTEMPTS = 4;

/** EventBridge kept refusing some findings. */
export class PublishError extends Error {
  override readonly name = 'PublishError';
}

const entrySize = (entry: PutEventsRequestEntry): number =>
  Buffer.byteLength(entry.Source ?? '') +
  Buffer.byteLength(entry.DetailType ?? '') +
  Buffer.byteLength(entry.Detail ?? '') +
  (entry.Resources ?? []).reduce((n, r) => n + Buffer.byteLength(r), 0);

/** FindingPublisher over EventBridge. */
export class EventBridgePublisher implements FindingPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /**
   * Publishes every finding, retrying the entries EventBridge refuses. Returns no responses: the
   * playbook starts asynchronously from the bus. Throws PublishError when entries still fail.
   */
  async publish(findings: readonly Finding[]): Promise<Map<string, Finding['response']>> {
    const entries: PutEventsRequestEntry[] = findings.map((finding) => ({
      EventBusName: this.busName,
      Source: FINDING_EVENT_SOURCE,
      DetailType: FINDING_DETAIL_TYPE,
      Detail: JSON.stringify(finding),
      Resources: finding.principal.arn ? [finding.principal.arn] : [],
      Time: new Date(finding.lastEventTime),
    }));
    for (const request of this.requests(entries)) await this.send(request);
    return new Map();
  }

  private *requests(entries: readonly PutEventsRequestEntry[]): Generator<PutEventsRequestEntry[]> {
    let request: PutEventsRequestEntry[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const size = entrySize(entry);
      if (request.length === MAX_ENTRIES || (request.length > 0 && bytes + size > MAX_REQUEST_BYTES)) {
        yield request;
        request = [];
        bytes = 0;
      }
      request.push(entry);
      bytes += size;
    }
    if (request.length > 0) yield request;
  }

  private async send(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; ; attempt++) {
      const out = await this.client.send(new PutEventsCommand({ Entries: pending }));
      if (!out.FailedEntryCount) return;
      const results = out.Entries ?? [];
      const failed = pending.filter((_, i) => results[i]?.ErrorCode !== undefined);
      if (attempt >= MAX_ATTEMPTS) {
        const first = results.find((r) => r.ErrorCode !== undefined);
        throw new PublishError(
          `EventBridge refused ${failed.length} of ${entries.length} findings on bus ${this.busName} after ${attempt} attempts: ${first?.ErrorCode}: ${first?.ErrorMessage}`,
        );
      }
      pending = failed;
      await this.sleep(100 * 2 ** attempt);
    }
  }
}
