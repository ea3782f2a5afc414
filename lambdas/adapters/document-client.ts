/**
 * The DynamoDB document client every Vigil adapter is handed, locally and in Lambda, so items
 * marshal the same way in both.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Wraps `client` in a document client. Undefined values are dropped rather than rejected, as
 * JSON.stringify drops them: baselines and evidence are JSON-shaped data whose optional fields
 * may be absent or undefined.
 */
export const createDocumentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    unmarshallOptions: { wrapNumbers: false },
  });
