/**
 * The dated us-east-1 price table the cost model reads (`docs/prices-us-east-1.json`). Every price
 * is in dollars per million units, so the model multiplies without unit conversions.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const price = z.strictObject({
  price: z.number().min(0),
  unit: z.string().min(1),
  source: z.url(),
});

/** The price table's schema. */
export const priceTableSchema = z.strictObject({
  region: z.string().min(1),
  currency: z.literal('USD'),
  asOf: z.iso.date(),
  note: z.string(),
  prices: z.strictObject({
    lambdaRequestsPerMillion: price,
    lambdaArmGbSecondsPerMillion: price,
    sqsRequestsPerMillion: price,
    s3GetRequestsPerMillion: price,
    s3PutRequestsPerMillion: price,
    eventBridgeCustomEventsPerMillion: price,
    eventBridgeOptInDataEventsPerMillion: price,
    eventBridgeManagementEventsPerMillion: price,
    dynamoDbWriteRequestUnitsPerMillion: price,
    dynamoDbReadRequestUnitsPerMillion: price,
    stepFunctionsStandardTransitionsPerMillion: price,
    kmsRequestsPerMillion: price,
    kmsKeyPerMonth: price,
    cloudWatchLogsIngestionPerGb: price,
    xRayTracesRecordedPerMillion: price,
  }),
  comparison: z.strictObject({
    guardDutyManagementEventsPerMillion: price,
  }),
  cloudTrail: z.strictObject({
    managementEventsFirstCopyPerMillion: price,
    managementEventsAdditionalCopyPerMillion: price,
    dataEventsPerMillion: price,
  }),
});

/** A validated price table. */
export type PriceTable = z.output<typeof priceTableSchema>;

/** Where the repository keeps the price table. */
export const PRICE_TABLE_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'docs',
  'prices-us-east-1.json',
);

/** The price table does not parse or lacks a price. */
export class PriceTableError extends Error {
  override readonly name = 'PriceTableError';
}

/** Validates a price table, naming the first bad field. */
export const parsePriceTable = (input: unknown, source = 'price table'): PriceTable => {
  const result = priceTableSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : '(root)';
  throw new PriceTableError(`${source}: ${field}: ${issue?.message ?? 'invalid'}`);
};

/** Reads and validates the price table at `path`. */
export const loadPriceTable = async (path: string = PRICE_TABLE_PATH): Promise<PriceTable> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PriceTableError(`cannot read the price table ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PriceTableError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  return parsePriceTable(json, path);
};
