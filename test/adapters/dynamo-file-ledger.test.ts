import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoFileLedger } from '../../lambdas/adapters/dynamo-file-ledger.ts';
import { openStateTable, STATE } from './local-store.ts';
import { fileLedgerContract, ManualClock } from './store-contract.ts';

fileLedgerContract('DynamoFileLedger', async (clock) => {
  const local = await openStateTable();
  return { subject: new DynamoFileLedger(local.doc, STATE, clock), close: () => local.close() };
});

describe('DynamoFileLedger', () => {
  it('marks a file under FILE#<bucket>/<key> / FILE, expiring ttlDays after the claim', async () => {
    // Prepare
    const local = await openStateTable();
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 12, 0, 0, 750));
    const ledger = new DynamoFileLedger(local.doc, STATE, clock);

    // Act
    await ledger.claim(
      'trail-bucket/AWSLogs/123456789012/CloudTrail/f.json.gz',
      '"9b2cf535f27731c974343645a3985328"',
      3,
    );
    const raw = await local.doc.send(
      new GetCommand({
        TableName: STATE,
        Key: { pk: 'FILE#trail-bucket/AWSLogs/123456789012/CloudTrail/f.json.gz', sk: 'FILE' },
      }),
    );
    await local.close();

    // Assess
    expect(raw.Item).toEqual({
      pk: 'FILE#trail-bucket/AWSLogs/123456789012/CloudTrail/f.json.gz',
      sk: 'FILE',
      etag: '"9b2cf535f27731c974343645a3985328"',
      claimedAt: 1_780_315_200,
      expiresAt: 1_780_315_200 + 3 * 86_400,
    });
  });
});
