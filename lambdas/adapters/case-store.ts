/**
 * Cases and the containment budget in the state table (`state-table.ts`).
 *
 * | item                         | pk                         | sk       | expiresAt |
 * |------------------------------|----------------------------|----------|-----------|
 * | case                         | `C#<caseId>`               | `CASE`   | no        |
 * | a principal's current case   | `C#OPEN#<principalKey>`    | `OPEN`   | no        |
 * | containment budget of an hour| `BUDGET#<YYYY-MM-DDTHH>`   | `BUDGET` | yes       |
 *
 * Case ids are `case-<hex>`, so the current-case pointers (`C#OPEN#...`) never meet a case. A
 * case item holds the whole case as native attributes: its opening finding, decision, the
 * before-state of every step (what release undoes) and the notifications sent. The budget item
 * counts the cases of an hour in a string set, so counting a case twice is impossible.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Finding } from '../core/finding.ts';
import type { CasePatch, CaseStore, ContainmentBudget } from '../core/response/ports.ts';
import type { BudgetState, CaseRecord } from '../core/response/types.ts';
import { isConditionFailed } from './dynamo-items.ts';
import { STATE_PREFIX, type StateItemKey } from './state-table.ts';

/** The key of a case item. */
export const caseKey = (caseId: string): StateItemKey => ({ pk: `${STATE_PREFIX.case}${caseId}`, sk: 'CASE' });
/** The key of a principal's current-case pointer. */
export const currentCaseKey = (principalKey: string): StateItemKey => ({
  pk: `${STATE_PREFIX.case}OPEN#${principalKey}`,
  sk: 'OPEN',
});
/** The key of an hour's containment budget. */
export const budgetKey = (hour: string): StateItemKey => ({ pk: `${STATE_PREFIX.budget}${hour}`, sk: 'BUDGET' });

/** The hour `at` falls in, `YYYY-MM-DDTHH` (UTC). */
export const hourOf = (at: number): string => new Date(at).toISOString().slice(0, 13);

/** Budget items outlive their hour by a day, then DynamoDB may delete them. */
const BUDGET_TTL_SECONDS = 25 * 60 * 60;

const fromItem = (item: Record<string, unknown>): CaseRecord => {
  const { pk: _pk, sk: _sk, ...record } = item;
  return record as unknown as CaseRecord;
};

/** CaseStore over the state table. */
export class DynamoCaseStore implements CaseStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The case, or null. Read consistently: a step follows the step that wrote it. */
  async get(caseId: string): Promise<CaseRecord | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: caseKey(caseId), ConsistentRead: true }),
    );
    return out.Item ? fromItem(out.Item) : null;
  }

  /** The principal's current case id, or null. */
  async currentCaseOf(principalKey: string): Promise<string | null> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: currentCaseKey(principalKey), ConsistentRead: true }),
    );
    const caseId = out.Item?.caseId;
    return typeof caseId === 'string' ? caseId : null;
  }

  /** Moves the pointer from `expected` to `caseId`, conditionally. */
  async swapCurrent(principalKey: string, expected: string | null, caseId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...currentCaseKey(principalKey), caseId, principalKey },
          ...(expected === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'caseId = :expected', ExpressionAttributeValues: { ':expected': expected } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /** Creates the case unless it exists. */
  async create(record: CaseRecord): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...caseKey(record.caseId), ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /** Sets the patch's fields on an existing case, optionally only from some statuses. */
  async update(caseId: string, patch: CasePatch, onlyIf?: readonly CaseRecord['status'][]): Promise<boolean> {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return true;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = entries.map(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    let condition = 'attribute_exists(pk)';
    if (onlyIf && onlyIf.length > 0) {
      names['#status'] = 'status';
      const options = onlyIf.map((status, i) => {
        values[`:s${i}`] = status;
        return `:s${i}`;
      });
      condition += ` AND #status IN (${options.join(', ')})`;
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: caseKey(caseId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }

  /** Appends the finding's id once and moves `lastEventTime` forward. */
  async attachFinding(caseId: string, finding: Finding): Promise<void> {
    const lastEventTime = Date.parse(finding.lastEventTime);
    const attempts: { update: string; condition: string; values: Record<string, unknown> }[] = [
      {
        update: 'SET findingIds = list_append(findingIds, :ids)',
        condition: 'attribute_exists(pk) AND NOT contains(findingIds, :id)',
        values: { ':ids': [finding.id], ':id': finding.id },
      },
      {
        update: 'SET lastEventTime = :t',
        condition: 'attribute_exists(pk) AND lastEventTime < :t',
        values: { ':t': lastEventTime },
      },
    ];
    for (const attempt of attempts) {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: caseKey(caseId),
            UpdateExpression: attempt.update,
            ConditionExpression: attempt.condition,
            ExpressionAttributeValues: attempt.values,
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    }
  }
}

/** ContainmentBudget over the state table: one counter item per hour. */
export class DynamoContainmentBudget implements ContainmentBudget {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Counts the case in its hour if there is room; a case already counted is granted again, not counted twice. */
  async reserve(caseId: string, at: number, max: number): Promise<BudgetState> {
    const hour = hourOf(at);
    if (max > 0) {
      try {
        const out = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: budgetKey(hour),
            UpdateExpression: 'SET used = if_not_exists(used, :zero) + :one, expiresAt = :expires ADD cases :case',
            ConditionExpression:
              '(attribute_not_exists(used) OR used < :max) AND (attribute_not_exists(cases) OR NOT contains(cases, :id))',
            ExpressionAttributeValues: {
              ':zero': 0,
              ':one': 1,
              ':max': max,
              ':case': new Set([caseId]),
              ':id': caseId,
              ':expires': Math.floor(at / 1000) + BUDGET_TTL_SECONDS,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { granted: true, used: Number(out.Attributes?.used ?? 1), max, hour };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    }
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: budgetKey(hour), ConsistentRead: true }),
    );
    const used = Number(out.Item?.used ?? 0);
    const cases = out.Item?.cases as Set<string> | undefined;
    return { granted: max > 0 && cases?.has(caseId) === true, used, max, hour };
  }
}
