/**
 * The case commands' ports over AWS: the caller's identity from STS, task tokens answered with
 * Step Functions. The clients come with the caller's own credentials, so the approver is whoever
 * runs the command.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { ApprovalAnswer } from '../../lambdas/core/response/types.ts';
import { type CallerIdentity, TaskTokenExpiredError, type TaskTokens } from './case-commands.ts';

/** The caller's ARN from STS. */
export class StsCallerIdentity implements CallerIdentity {
  constructor(private readonly sts: STSClient) {}

  /** GetCallerIdentity's ARN; throws when STS gives none. */
  async callerArn(): Promise<string> {
    const out = await this.sts.send(new GetCallerIdentityCommand({}));
    if (!out.Arn) throw new Error("STS GetCallerIdentity returned no ARN; expected the caller's identity");
    return out.Arn;
  }
}

const EXPIRED = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** Task tokens answered through Step Functions. */
export class SfnTaskTokens implements TaskTokens {
  constructor(private readonly sfn: SFNClient) {}

  /** SendTaskSuccess with the approval as output. */
  async succeed(taskToken: string, output: ApprovalAnswer): Promise<void> {
    await this.expiring(() => this.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
  }

  /** SendTaskFailure with the error the state machine catches. */
  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    await this.expiring(() => this.sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })));
  }

  private async expiring(send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (error instanceof Error && EXPIRED.has(error.name))
        throw new TaskTokenExpiredError(`${error.name}: ${error.message}`);
      throw error;
    }
  }
}
