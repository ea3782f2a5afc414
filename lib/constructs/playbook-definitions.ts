/**
 * The playbooks' state machine definitions (JSONPath, Standard). State names are shared with the
 * local runner (`STATE_NAMES`), which binds each task to the same step code.
 *
 * contain-principal:
 *   Begin -> Enrich -> Decide -> Route
 *     Route: approval -> AwaitApproval (task token; timeout) -> Contain
 *            contain  -> Contain
 *            else (dry-run, protected, budget exhausted) -> Notify
 *   Contain -> Notify -> Record -> Ended (Done, or PlaybookFailed when a step failed)
 *   Enrich failing still decides (without IAM facts); Decide, Contain or the approval failing,
 *   a denial and a timeout all go to Notify, so the team always hears how a case ended.
 *
 * release-principal: Begin -> Release -> Notify -> Record -> Ended
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { APPROVAL_DENIED_ERROR, PLAYBOOK, STATE_NAMES, TIMEOUT_ERROR } from '../../lambdas/core/response/types.ts';

/** The functions the playbooks' tasks invoke. */
export interface PlaybookTaskFunctions {
  readonly enrich: lambda.IFunction;
  readonly decide: lambda.IFunction;
  readonly notify: lambda.IFunction;
  readonly contain: lambda.IFunction;
  readonly record: lambda.IFunction;
  readonly release: lambda.IFunction;
}

const invoke = (
  scope: Construct,
  stateName: string,
  fn: lambda.IFunction,
  /** The task's input; undefined: the whole state. */
  payload: sfn.TaskInput | undefined,
  resultPath: string,
): tasks.LambdaInvoke => {
  const task = new tasks.LambdaInvoke(scope, stateName, {
    stateName,
    lambdaFunction: fn,
    payloadResponseOnly: true,
    ...(payload ? { payload } : {}),
    resultPath,
  });
  // Lambda throttling: retried with backoff and jitter, as the service errors are by default.
  task.addRetry({
    errors: ['Lambda.TooManyRequestsException'],
    interval: Duration.seconds(1),
    maxAttempts: 6,
    backoffRate: 2,
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
};

const ending = (scope: Construct, playbook: string, fns: PlaybookTaskFunctions): sfn.IChainable => {
  const notify = invoke(
    scope,
    STATE_NAMES.notify,
    fns.notify,
    sfn.TaskInput.fromObject({ playbook, state: sfn.JsonPath.objectAt('$') }),
    '$.notifications',
  );
  const record = invoke(
    scope,
    STATE_NAMES.record,
    fns.record,
    sfn.TaskInput.fromObject({ playbook, state: sfn.JsonPath.objectAt('$') }),
    '$.record',
  );
  const ended = new sfn.Choice(scope, STATE_NAMES.ended, { stateName: STATE_NAMES.ended })
    .when(
      sfn.Condition.isPresent('$.failure'),
      new sfn.Fail(scope, STATE_NAMES.failed, {
        stateName: STATE_NAMES.failed,
        error: 'VigilPlaybookFailed',
        causePath: '$.failure.Cause',
      }),
    )
    .otherwise(new sfn.Succeed(scope, STATE_NAMES.done, { stateName: STATE_NAMES.done }));
  // A notification that fails must not keep the case from being recorded.
  notify.addCatch(record, { errors: ['States.ALL'], resultPath: '$.notifyError' });
  notify.next(record);
  record.next(ended);
  return notify;
};

/** The contain-principal definition. */
export const containDefinition = (
  scope: Construct,
  fns: PlaybookTaskFunctions,
  approvalTimeout: Duration,
): sfn.IChainable => {
  const s = new Construct(scope, 'ContainStates');
  const notify = ending(s, PLAYBOOK.contain, fns);
  const begin = new sfn.Pass(s, 'Begin', {
    stateName: 'Begin',
    parameters: {
      caseId: sfn.JsonPath.stringAt('$.caseId'),
      finding: sfn.JsonPath.objectAt('$.finding'),
      executionId: sfn.JsonPath.executionId,
    },
  });
  const enrich = invoke(
    s,
    STATE_NAMES.enrich,
    fns.enrich,
    sfn.TaskInput.fromObject({
      caseId: sfn.JsonPath.stringAt('$.caseId'),
      finding: sfn.JsonPath.objectAt('$.finding'),
    }),
    '$.enrichment',
  );
  const decide = invoke(s, STATE_NAMES.decide, fns.decide, undefined, '$.decision');
  const contain = invoke(s, STATE_NAMES.contain, fns.contain, undefined, '$.containment');
  const awaitApproval = new tasks.LambdaInvoke(s, STATE_NAMES.awaitApproval, {
    stateName: STATE_NAMES.awaitApproval,
    lambdaFunction: fns.notify,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({ taskToken: sfn.JsonPath.taskToken, state: sfn.JsonPath.objectAt('$') }),
    resultPath: '$.approval',
    taskTimeout: sfn.Timeout.duration(approvalTimeout),
  });
  // Denied and timed out are answers, not failures: the team is told, the case recorded.
  awaitApproval.addCatch(notify, { errors: [APPROVAL_DENIED_ERROR, TIMEOUT_ERROR], resultPath: '$.approval' });
  awaitApproval.addCatch(notify, { errors: ['States.ALL'], resultPath: '$.failure' });
  enrich.addCatch(decide, { errors: ['States.ALL'], resultPath: '$.enrichment' });
  decide.addCatch(notify, { errors: ['States.ALL'], resultPath: '$.failure' });
  contain.addCatch(notify, { errors: ['States.ALL'], resultPath: '$.failure' });
  const route = new sfn.Choice(s, STATE_NAMES.route, { stateName: STATE_NAMES.route })
    .when(sfn.Condition.stringEquals('$.decision.outcome', 'approval'), awaitApproval.next(contain))
    .when(sfn.Condition.stringEquals('$.decision.outcome', 'contain'), contain)
    .otherwise(notify);
  contain.next(notify);
  return begin.next(enrich).next(decide).next(route);
};

/** The release-principal definition. */
export const releaseDefinition = (scope: Construct, fns: PlaybookTaskFunctions): sfn.IChainable => {
  const s = new Construct(scope, 'ReleaseStates');
  const notify = ending(s, PLAYBOOK.release, fns);
  const begin = new sfn.Pass(s, 'Begin', {
    stateName: 'Begin',
    parameters: {
      caseId: sfn.JsonPath.stringAt('$.caseId'),
      requestedBy: sfn.JsonPath.stringAt('$.requestedBy'),
      executionId: sfn.JsonPath.executionId,
    },
  });
  const release = invoke(s, STATE_NAMES.release, fns.release, undefined, '$.release');
  release.addCatch(notify, { errors: ['States.ALL'], resultPath: '$.failure' });
  return begin.next(release).next(notify);
};
