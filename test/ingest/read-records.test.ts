import { Buffer } from 'node:buffer';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readRecords } from '../../lambdas/ingest/read-records.ts';
import { envelope, logFile, sampleRecord, sampleRecords } from './sample-records.ts';
import { asSeen, chunked, randomlyChunked, randomSource, readAll, type Seen, streamOf } from './streams.ts';

const records = sampleRecords(40);
const atLine = (first: number) => (i: number) => `line ${first + i}`;
/** Lines taken by `values` pretty-printed one after another. */
const heightOf = (values: readonly unknown[]): number =>
  values.reduce<number>((lines, value) => lines + JSON.stringify(value, null, 2).split('\n').length, 0);
const jsonLines = (values: readonly unknown[]): string => values.map((value) => JSON.stringify(value)).join('\n');

describe('readRecords: input forms', () => {
  it.each<[string, string, Seen[]]>([
    ['a CloudTrail log file', logFile(records), asSeen(records)],
    [
      'a log file whose "Records" is not the first key',
      JSON.stringify({
        fileVersion: { Records: [1, 2] },
        note: '"Records": [',
        Records: records.slice(0, 3),
        after: [[]],
      }),
      asSeen(records.slice(0, 3)),
    ],
    ['a log file with a trailing newline', `${logFile(records)}\n`, asSeen(records)],
    ['a pretty-printed log file', JSON.stringify({ Records: records }, null, 2), asSeen(records)],
    ['a JSON array of records', JSON.stringify(records), asSeen(records)],
    ['a pretty-printed JSON array', `\n\n${JSON.stringify(records, null, 4)}\n`, asSeen(records)],
    ['JSON Lines', `${jsonLines(records)}\n`, asSeen(records, atLine(1))],
    ['JSON Lines without a final newline', jsonLines(records), asSeen(records, atLine(1))],
    ['a single record', JSON.stringify(records[0]), asSeen(records.slice(0, 1), atLine(1))],
    ['a single pretty-printed record', JSON.stringify(records[0], null, 2), asSeen(records.slice(0, 1), atLine(1))],
    [
      'pretty-printed records one after another (jq output)',
      records
        .slice(0, 3)
        .map((record) => JSON.stringify(record, null, 2))
        .join('\n'),
      asSeen(records.slice(0, 3), (i) => `line ${1 + heightOf(records.slice(0, i))}`),
    ],
    [
      'log files one after another on one line (zcat of several files)',
      logFile(records.slice(0, 2)) + logFile(records.slice(2, 4)),
      [...asSeen(records.slice(0, 2)), ...asSeen(records.slice(2, 4), (i) => `line 1, record ${i}`)],
    ],
    [
      'JSON Lines holding log files and arrays',
      [logFile(records.slice(0, 2)), JSON.stringify(records.slice(2, 4)), JSON.stringify(records[4])].join('\n'),
      [
        ...asSeen(records.slice(0, 2)),
        ...asSeen(records.slice(2, 4), (i) => `line 2, record ${i}`),
        { record: records[4], at: 'line 3' },
      ],
    ],
  ])('reads %s', async (_name, input, expected) => {
    // Act
    const items = await readAll(input);

    // Assess
    expect(items).toEqual(expected);
  });

  it('reads JSON Lines with a BOM, CRLF line ends and blank lines', async () => {
    // Prepare
    const input = `\uFEFF${JSON.stringify(records[0])}\r\n\r\n  \r\n${JSON.stringify(records[1])}\r\n\n${JSON.stringify(records[2])}\r\n`;

    // Act
    const items = await readAll(input);

    // Assess
    expect(items).toEqual([
      { record: records[0], at: 'line 1' },
      { record: records[1], at: 'line 4' },
      { record: records[2], at: 'line 6' },
    ]);
  });

  it('reads a log file with a BOM and CRLF line ends', async () => {
    // Prepare
    const input = `\uFEFF${JSON.stringify({ Records: records.slice(0, 2) }, null, 2).replaceAll('\n', '\r\n')}\r\n`;

    // Act
    const items = await readAll(input);

    // Assess
    expect(items).toEqual(asSeen(records.slice(0, 2)));
  });

  it('unwraps EventBridge events carrying CloudTrail records, in every container', async () => {
    // Prepare
    const apiCall = envelope(records[0] as (typeof records)[0]);
    const signIn = envelope(records[1] as (typeof records)[0], 'AWS Console Sign In via CloudTrail');
    const serviceEvent = envelope(records[2] as (typeof records)[0], 'AWS Service Event via CloudTrail');
    const all = [apiCall, signIn, serviceEvent];

    // Act
    const single = await readAll(JSON.stringify(signIn));
    const array = await readAll(JSON.stringify(all));
    const lines = await readAll(jsonLines(all));
    const pretty = await readAll(JSON.stringify(all, null, 2));

    // Assess
    expect(single).toEqual([{ record: records[1], at: 'line 1' }]);
    expect(array).toEqual(asSeen(records.slice(0, 3)));
    expect(lines).toEqual(asSeen(records.slice(0, 3), atLine(1)));
    expect(pretty).toEqual(asSeen(records.slice(0, 3)));
  });

  it('skips EventBridge events that carry no CloudTrail record, and reports one with no detail object', async () => {
    // Prepare
    const s3Notification = { 'detail-type': 'Object Created', source: 'aws.s3', detail: { bucket: { name: 'logs' } } };
    const broken = { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', detail: 'oops' };
    const input = JSON.stringify([s3Notification, envelope(sampleRecord(1)), broken]);

    // Act
    const items = await readAll(input);

    // Assess
    expect(items).toEqual([
      { skipped: 'EventBridge event "Object Created" carries no CloudTrail record', at: 'record 0' },
      { record: sampleRecord(1), at: 'record 1' },
      {
        error:
          'expected the "detail" of EventBridge event "AWS API Call via CloudTrail" to be a CloudTrail record (a JSON object), found a string',
        at: 'record 2',
      },
    ]);
  });

  it('skips CloudTrail digest files', async () => {
    // Prepare
    const digest = {
      awsAccountId: '123456789012',
      digestStartTime: '2024-01-01T00:00:00Z',
      digestEndTime: '2024-01-01T01:00:00Z',
      digestS3Bucket: 'trail-bucket',
      digestS3Object: 'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2024/01/01/x.json.gz',
      digestPublicKeyFingerprint: 'abc',
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: '2024-01-01T00:59:00Z',
      oldestEventTime: '2024-01-01T00:00:01Z',
      previousDigestS3Bucket: null,
      logFiles: [{ s3Bucket: 'trail-bucket', s3Object: 'x.json.gz', hashValue: 'ab', hashAlgorithm: 'SHA-256' }],
    };

    // Act
    const items = await readAll(gzipSync(JSON.stringify(digest)));

    // Assess
    expect(items).toEqual([{ skipped: 'CloudTrail digest file (log file integrity), holds no events', at: 'line 1' }]);
  });

  it.each([
    ['an empty file', ''],
    ['a file of whitespace', ' \n\r\n\t'],
    ['a BOM alone', '\uFEFF'],
    ['an empty gzip file', gzipSync('')],
  ])('reports %s as skipped', async (_name, input) => {
    // Act
    const items = await readAll(input);

    // Assess
    expect(items).toEqual([{ skipped: 'empty input: no JSON value', at: 'line 1' }]);
  });

  it('reads an empty log file and an empty array as no records', async () => {
    // Act
    const emptyLog = await readAll('{"Records":[]}');
    const emptyArray = await readAll('[ ]');

    // Assess
    expect(emptyLog).toEqual([]);
    expect(emptyArray).toEqual([]);
  });
});

describe('readRecords: gzip', () => {
  it('detects gzip by its magic bytes, whatever the name says', async () => {
    // Prepare
    const gzipped = gzipSync(logFile(records));

    // Act
    const named = await readAll(gzipped, {}, 'trail/123_CloudTrail_us-east-1_20240101T0005Z_a.json.gz');
    const misnamed = await readAll(gzipped, {}, 'trail/events.json');
    const plainNamedGz = await readAll(logFile(records), {}, 'trail/events.json.gz');

    // Assess
    expect(named).toEqual(asSeen(records));
    expect(misnamed).toEqual(asSeen(records));
    expect(plainNamedGz).toEqual(asSeen(records));
  });

  it('reads gzipped JSON Lines and concatenated gzip members', async () => {
    // Prepare
    const first = gzipSync(`${jsonLines(records.slice(0, 3))}\n`);
    const second = gzipSync(jsonLines(records.slice(3, 5)));

    // Act
    const items = await readAll(Buffer.concat([first, second]));

    // Assess
    expect(items).toEqual(asSeen(records.slice(0, 5), atLine(1)));
  });

  it('reads gzip fed one byte at a time', async () => {
    // Prepare
    const gzipped = gzipSync(logFile(records));

    // Act
    const items = await readAll(chunked(gzipped, 1));

    // Assess
    expect(items).toEqual(asSeen(records));
  });

  it('keeps what came before a cut in a gzip stream and reports the cut once', async () => {
    // Prepare: a log file far larger than what the cut leaves
    const many = sampleRecords(400);
    const gzipped = gzipSync(logFile(many));
    const cut = gzipped.subarray(0, Math.floor(gzipped.length / 2));

    // Act
    const items = await readAll(cut);

    // Assess
    const good = items.filter((item) => 'record' in item);
    const bad = items.filter((item) => !('record' in item));
    expect(good.length).toBeGreaterThan(50);
    expect(good).toEqual(asSeen(many.slice(0, good.length)));
    expect(bad).toEqual([
      { error: 'the input ended inside this record: gzip: unexpected end of file', at: `record ${good.length}` },
    ]);
  });

  it('reports corrupt gzip data once', async () => {
    // Prepare
    const gzipped = gzipSync(logFile(sampleRecords(100)));
    const corrupt = Buffer.from(gzipped);
    corrupt.fill(0xff, 10, 40);

    // Act
    const items = await readAll(corrupt);

    // Assess
    expect(items).toEqual([{ error: 'could not read the rest of the input: gzip: invalid block type', at: 'line 1' }]);
  });
});

describe('readRecords: chunk boundaries', () => {
  const tricky = sampleRecords(30);
  const variants: [string, string, (i: number) => string][] = [
    ['a log file', logFile(tricky), (i) => `record ${i}`],
    ['a pretty log file', JSON.stringify({ Records: tricky }, null, 2), (i) => `record ${i}`],
    ['JSON Lines', jsonLines(tricky), atLine(1)],
  ];

  it.each(variants)('reads %s fed one byte at a time', async (_name, input, at) => {
    // Act
    const items = await readAll(chunked(input, 1));

    // Assess
    expect(items).toEqual(asSeen(tricky, at));
  });

  it.each(variants)('reads %s cut at random places', async (_name, input, at) => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      // Act
      const items = await readAll(randomlyChunked(input, seed, seed * 97));

      // Assess
      expect(items, `seed ${seed}`).toEqual(asSeen(tricky, at));
    }
  });

  it('reads strings with brackets, braces, escaped quotes, backslash runs and unicode at every boundary', async () => {
    // Prepare: values built to put an escape, a quote or a multi-byte character on each side of a cut
    const values = [
      { eventName: 'a\\"}],[{', userAgent: '\\\\\\"', x: '\\' },
      { eventName: '"', userAgent: '{"Records":[', x: '\\\\' },
      { eventName: 'é😀日', userAgent: '\u2028\u2029\u0000', x: ']' },
      { eventName: '', userAgent: '}', x: '\\"\\"\\"' },
    ];
    const input = logFile(values);

    // Act
    const oneByte = await readAll(chunked(input, 1));
    const twoBytes = await readAll(chunked(input, 2));
    const threeBytes = await readAll(chunked(input, 3));

    // Assess
    expect(oneByte).toEqual(asSeen(values));
    expect(twoBytes).toEqual(asSeen(values));
    expect(threeBytes).toEqual(asSeen(values));
  });
  it('reads long strings full of escapes, cut inside them at every offset', async () => {
    // Prepare: strings longer than the quick scan, so the native search meets the cuts
    const values = [
      { eventName: `${'x'.repeat(40)}${'\\"'.repeat(20)}\\`, userAgent: '\\'.repeat(45) },
      { eventName: `"${'}{]['.repeat(20)}\\\\"`, userAgent: `${'\\"é'.repeat(30)}` },
    ];
    const input = logFile(values);

    for (let size = 30; size <= 110; size++) {
      // Act
      const items = await readAll(chunked(input, size));

      // Assess
      expect(items, `chunks of ${size} bytes`).toEqual(asSeen(values));
    }
  });
});

describe('readRecords: malformed input', () => {
  it('reports each broken line of JSON Lines at its line and keeps every good one', async () => {
    // Prepare
    const lines = [
      JSON.stringify(records[0]),
      '{"eventName":"Cut',
      JSON.stringify(records[1]),
      'not json',
      '',
      JSON.stringify(records[2]),
      '42',
      '{"eventName": }',
      JSON.stringify(records[3]),
    ];

    // Act
    const whole = await readAll(lines.join('\n'));
    const byteByByte = await readAll(chunked(lines.join('\r\n'), 1));

    // Assess
    const expected: Seen[] = [
      { record: records[0], at: 'line 1' },
      { error: 'not valid JSON: Unterminated string in JSON at position 17', at: 'line 2' },
      { record: records[1], at: 'line 3' },
      { error: `not valid JSON: Unexpected token 'o', "not json" is not valid JSON`, at: 'line 4' },
      { record: records[2], at: 'line 6' },
      { error: 'expected a CloudTrail record (a JSON object), found a number', at: 'line 7' },
      { error: `not valid JSON: Unexpected token '}', "{"eventName": }" is not valid JSON`, at: 'line 8' },
      { record: records[3], at: 'line 9' },
    ];
    expect(whole).toEqual(expected);
    expect(byteByByte.filter((item) => 'record' in item)).toEqual(expected.filter((item) => 'record' in item));
    expect(byteByByte.map((item) => item.at)).toEqual(expected.map((item) => item.at));
  });

  it('treats a broken first line as JSON Lines, not as the start of a pretty-printed value', async () => {
    // Prepare
    const input = `{"eventName": "Cut", "x": [1,\n${JSON.stringify(records[0])}\n${JSON.stringify(records[1])}\n`;

    // Act
    const items = await readAll(input);

    // Assess
    expect(items).toEqual([
      { error: 'not valid JSON: Unexpected end of JSON input', at: 'line 1' },
      { record: records[0], at: 'line 2' },
      { record: records[1], at: 'line 3' },
    ]);
  });

  it('reports each element of an array that is not a record at its index and keeps the others', async () => {
    // Prepare
    const input = `[${JSON.stringify(records[0])}, {"eventName": }, 42, "text", null, true, [1], ${JSON.stringify(records[1])}]`;

    // Act
    const items = await readAll(input);

    // Assess
    expect(items).toEqual([
      { record: records[0], at: 'record 0' },
      { error: `not valid JSON: Unexpected token '}', "{"eventName": }" is not valid JSON`, at: 'record 1' },
      { error: 'expected a CloudTrail record (a JSON object), found a number', at: 'record 2' },
      { error: 'expected a CloudTrail record (a JSON object), found a string', at: 'record 3' },
      { error: 'expected a CloudTrail record (a JSON object), found null', at: 'record 4' },
      { error: 'expected a CloudTrail record (a JSON object), found a boolean', at: 'record 5' },
      { error: 'expected a CloudTrail record (a JSON object), found an array', at: 'record 6' },
      { record: records[1], at: 'record 7' },
    ]);
  });

  it('reports a "Records" that is not an array', async () => {
    // Act
    const items = await readAll('{"Records": {"eventName": "x"}}');

    // Assess
    expect(items).toEqual([{ error: 'expected "Records" to be an array, found an object', at: 'line 1' }]);
  });

  it.each<[string, string, Seen[]]>([
    [
      'inside a record',
      `{"Records":[${JSON.stringify(records[0])},${JSON.stringify(records[1]).slice(0, 50)}`,
      [
        { record: records[0], at: 'record 0' },
        { error: 'the input ended inside this record (truncated file?)', at: 'record 1' },
      ],
    ],
    [
      'between records',
      `{"Records":[${JSON.stringify(records[0])},`,
      [
        { record: records[0], at: 'record 0' },
        { error: 'the input ended before the end of the array (truncated file?)', at: 'record 1' },
      ],
    ],
    [
      'after the records',
      `{"Records":[${JSON.stringify(records[0])}], "x": {`,
      [
        { record: records[0], at: 'record 0' },
        { error: 'the input ended before the end of the object holding "Records" (truncated file?)', at: 'line 1' },
      ],
    ],
    [
      'inside a string of a single record',
      '{"eventName": "Del',
      [{ error: 'the input ended inside this JSON value (truncated file?)', at: 'line 1' }],
    ],
    [
      'inside the last line of JSON Lines',
      `${JSON.stringify(records[0])}\n{"eventName": "Del`,
      [
        { record: records[0], at: 'line 1' },
        { error: 'not valid JSON: Unterminated string in JSON at position 18', at: 'line 2' },
      ],
    ],
  ])('reports JSON cut %s once and keeps what came before', async (_name, input, expected) => {
    // Act
    const items = await readAll(input);

    // Assess
    expect(items).toEqual(expected);
  });

  it.each<[string, string | Buffer, string]>([
    ['plain text', 'hello world\n{"eventName":"x"}\n', 'not JSON: expected { or [ at the start, found "h"'],
    ['CSV', 'eventTime,eventName\n2024-01-01,Login\n', 'not JSON: expected { or [ at the start, found "e"'],
    [
      'binary data',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x7b]),
      'not JSON: expected { or [ at the start, found "P"',
    ],
    [
      'UTF-16 text',
      Buffer.from(`\uFEFF${JSON.stringify(records[0])}`, 'utf16le'),
      'not JSON: the input starts like UTF-16 text; expected UTF-8',
    ],
    ['a bare number', '12', 'not JSON: expected { or [ at the start, found "1"'],
  ])('reports %s as one error', async (_name, input, message) => {
    // Act
    const items = await readAll(input);

    // Assess
    expect(items).toEqual([{ error: message, at: 'line 1' }]);
  });

  it('reports text between pretty-printed values and reads on from the next line', async () => {
    // Prepare
    const pretty = (i: number): string => JSON.stringify(records[i], null, 1);
    const height = pretty(0).split('\n').length;
    const input = `${pretty(0)}\ngarbage here\n${pretty(1)}\n`;

    // Act
    const items = await readAll(input);

    // Assess
    expect(items).toEqual([
      { record: records[0], at: 'line 1' },
      { error: 'expected a JSON value, found "g"', at: `line ${height + 1}` },
      { record: records[1], at: `line ${height + 2}` },
    ]);
  });

  it('skips a record over the size limit without holding it, and keeps the others', async () => {
    // Prepare
    const big = { eventName: 'Big', padding: 'x'.repeat(5000) };
    const small = [{ eventName: 'A' }, { eventName: 'B' }];
    const input = logFile([small[0], big, small[1]]);
    const lines = jsonLines([small[0], big, small[1]]);

    // Act
    const whole = await readAll(input, { maxRecordBytes: 1000 });
    const byteByByte = await readAll(chunked(input, 7), { maxRecordBytes: 1000 });
    const jsonLinesItems = await readAll(chunked(lines, 7), { maxRecordBytes: 1000 });

    // Assess
    const expected: Seen[] = [
      { record: small[0], at: 'record 0' },
      { error: 'the record is longer than 1000 bytes; skipped', at: 'record 1' },
      { record: small[1], at: 'record 2' },
    ];
    expect(whole).toEqual(expected);
    expect(byteByByte).toEqual(expected);
    expect(jsonLinesItems).toEqual([
      { record: small[0], at: 'line 1' },
      { error: 'the line is longer than 1000 bytes; skipped', at: 'line 2' },
      { record: small[1], at: 'line 3' },
    ]);
  });
});

describe('readRecords: streams', () => {
  it('reads a stdin-like stream written bit by bit, with string chunks', async () => {
    // Prepare
    const stdin = new PassThrough();
    const text = jsonLines(records.slice(0, 5));
    const write = async (): Promise<void> => {
      for (const piece of randomlyChunked(text, 42, 50)) {
        stdin.write(piece.toString('latin1') === piece.toString('utf8') ? piece.toString('utf8') : piece);
        await new Promise((resolve) => setImmediate(resolve));
      }
      stdin.end();
    };

    // Act
    const [items] = await Promise.all([readAll(stdin, {}, '-'), write()]);

    // Assess
    expect(items).toEqual(asSeen(records.slice(0, 5), atLine(1)));
  });

  it('reports a stream that fails midway as one error marked readFailed, after the records before it', async () => {
    // Prepare
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from(`{"Records":[${JSON.stringify(records[0])},`);
        throw new Error('EIO: i/o error, read');
      })(),
    );

    // Act
    const items = await readAll(failing);

    // Assess
    expect(items).toEqual([
      { record: records[0], at: 'record 0' },
      { error: 'the input ended before the end of the array: EIO: i/o error, read', at: 'record 1', readFailed: true },
    ]);
  });

  it('closes the input when the reader is abandoned early', async () => {
    // Prepare
    const plain = streamOf(chunked(logFile(sampleRecords(200)), 256));
    const gzipped = streamOf(chunked(gzipSync(logFile(sampleRecords(200))), 256));

    // Act
    for (const input of [plain, gzipped]) {
      for await (const item of readRecords(input, 'x')) {
        expect(item.kind).toBe('record');
        break;
      }
    }

    // Assess
    expect(plain.destroyed).toBe(true);
    expect(gzipped.destroyed).toBe(true);
  });

  it('does not buffer the input: records come out before the stream ends', async () => {
    // Prepare
    const input = new PassThrough();
    input.write(`{"Records":[${JSON.stringify(records[0])},${JSON.stringify(records[1])},`);
    const reader = readRecords(input, 'live.json');

    // Act
    const first = await reader.next();
    const second = await reader.next();
    input.end(`${JSON.stringify(records[2])}]}`);
    const rest = [];
    for await (const item of reader) rest.push(item);

    // Assess
    expect(first.value).toEqual({
      kind: 'record',
      record: records[0],
      origin: { file: 'live.json', position: 'record 0' },
    });
    expect(second.value).toEqual({
      kind: 'record',
      record: records[1],
      origin: { file: 'live.json', position: 'record 1' },
    });
    expect(rest).toEqual([{ kind: 'record', record: records[2], origin: { file: 'live.json', position: 'record 2' } }]);
  });
});

describe('readRecords: random content and random cuts', () => {
  const alphabet = ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', 'a', 'Z', 'é', '😀', '\u2028', '\n', '\t', '/'];
  const randomValue = (random: () => number, depth: number): unknown => {
    const pick = random();
    if (depth > 2 || pick < 0.4) {
      const length = Math.floor(random() * 12);
      return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    }
    if (pick < 0.5) return Math.floor(random() * 1e6) / 100;
    if (pick < 0.55) return null;
    if (pick < 0.75) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    return randomObject(random, depth + 1);
  };
  const randomObject = (random: () => number, depth: number): Record<string, unknown> => {
    const object: Record<string, unknown> = {};
    const keys = 1 + Math.floor(random() * 5);
    for (let k = 0; k < keys; k++) object[String(randomValue(random, 9))] = randomValue(random, depth);
    return object;
  };

  it('reads what JSON.stringify wrote, however the bytes are cut', async () => {
    for (const seed of [11, 12, 13, 14, 15, 16]) {
      // Prepare
      const random = randomSource(seed);
      const values = Array.from({ length: 25 }, () => randomObject(random, 0));

      // Act
      const fromLog = await readAll(randomlyChunked(logFile(values), seed, 40));
      const fromArray = await readAll(randomlyChunked(JSON.stringify(values, null, 1), seed, 40));
      const fromLines = await readAll(randomlyChunked(jsonLines(values), seed, 40));

      // Assess
      expect(fromLog, `seed ${seed}`).toEqual(asSeen(values));
      expect(fromArray, `seed ${seed}`).toEqual(asSeen(values));
      expect(fromLines, `seed ${seed}`).toEqual(asSeen(values, atLine(1)));
    }
  });
});

describe('readRecords: options', () => {
  it('refuses a size limit that is not a positive integer', async () => {
    // Prepare
    const reader = readRecords(streamOf(['{}']), 'x.json', { maxRecordBytes: 0 });

    // Act and Assess
    await expect(reader.next()).rejects.toThrow(new RangeError('maxRecordBytes must be a positive integer, got 0'));
  });
});
