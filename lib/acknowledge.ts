/**
 * Acknowledging compliance findings (cdk-nag rule ids) on the construct that raises them. Kept
 * apart from the packs themselves (`compliance.ts`) so building the app does not load cdk-nag.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledges `ruleIds` on `scope` (keep it the narrowest construct that raises them), with the reason a reviewer reads. */
export const acknowledge = (scope: IConstruct, reason: string, ...ruleIds: string[]): void => {
  Validations.of(scope).acknowledge(...ruleIds.map((id) => ({ id, reason })));
};

/**
 * How cdk-nag names a value in a finding id (`AwsSolutions-IAM5[Resource::<Bucket.Arn>/*]`):
 * `Ref` as `<Name>`, `Fn::GetAtt` as `<Resource.Attribute>`, `Fn::Join` joined.
 */
export const nagValue = (scope: IConstruct, value: string): string => {
  const visit = (node: unknown): string => {
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
    if (node !== null && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (Array.isArray(o['Fn::Join'])) {
        const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
        return items.map(visit).join(delimiter);
      }
      if (Array.isArray(o['Fn::GetAtt'])) {
        const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
        return `<${visit(resource)}.${visit(attribute)}>`;
      }
      if (o.Ref !== undefined) return `<${visit(o.Ref)}>`;
    }
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value));
};
