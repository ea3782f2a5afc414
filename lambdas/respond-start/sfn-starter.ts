/**
 * Starts Step Functions executions by name. A Standard state machine refuses a second execution
 * of the same name for 90 days: with the same input it answers as for the first, with another it
 * raises ExecutionAlreadyExists. Either way the execution exists, which is all a caller asks.
 */
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { executionArnFor } from '../core/response/case-id.ts';
import type { ExecutionStarter } from '../core/response/ports.ts';

/** ExecutionStarter over one state machine. */
export class SfnExecutionStarter implements ExecutionStarter {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  /** The ARN the execution `name` has. */
  executionIdFor(name: string): string {
    return executionArnFor(this.stateMachineArn, name);
  }

  /** Starts `name`; an execution of that name already there counts as started before. */
  async start(name: string, input: unknown): Promise<{ executionId: string; started: boolean }> {
    try {
      const out = await this.sfn.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return { executionId: out.executionArn ?? this.executionIdFor(name), started: true };
    } catch (error) {
      if ((error as Error).name === 'ExecutionAlreadyExists')
        return { executionId: this.executionIdFor(name), started: false };
      throw error;
    }
  }
}
