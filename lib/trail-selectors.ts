/**
 * CloudTrail advanced event selectors for a trail Vigil creates: every management event, and S3
 * data events only for the configured sensitive buckets (data events are billed per event, so a
 * trail that logged every bucket's object reads would cost more than the rest of Vigil together).
 */
import type { CfnTrail } from 'aws-cdk-lib/aws-cloudtrail';
import { ConfigError } from '../lambdas/core/config.ts';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]*$/;

/**
 * The S3 object ARN prefixes that select the sensitive buckets' data events: a bucket name selects
 * `arn:<partition>:s3:::<name>/`, a name ending in `*` selects every bucket starting with the rest.
 * Throws ConfigError naming `sensitiveBuckets.<i>` for a pattern CloudTrail cannot select by
 * (a `*` anywhere but at the end), with `source` (the configuration file) first.
 */
export const sensitiveBucketArnPrefixes = (
  sensitiveBuckets: readonly string[],
  partition: string,
  source = 'configuration',
): string[] =>
  sensitiveBuckets.map((pattern, index) => {
    const star = pattern.indexOf('*');
    const name = star === -1 ? pattern : pattern.slice(0, star);
    const valid = (star === -1 || star === pattern.length - 1) && (name === '' ? false : BUCKET_NAME.test(name));
    if (!valid) {
      throw new ConfigError(
        `${source}: sensitiveBuckets.${index}: ${JSON.stringify(pattern)} cannot select CloudTrail data events; expected a bucket name, or the start of one followed by a single * at the end (a trail Vigil creates selects data events by object ARN prefix)`,
      );
    }
    return star === -1 ? `arn:${partition}:s3:::${name}/` : `arn:${partition}:s3:::${name}`;
  });

/** The selectors of a trail Vigil creates: all management events, and the sensitive buckets' S3 data events. */
export const trailEventSelectors = (
  sensitiveBuckets: readonly string[],
  partition: string,
): CfnTrail.AdvancedEventSelectorProperty[] => {
  const selectors: CfnTrail.AdvancedEventSelectorProperty[] = [
    { name: 'All management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
  ];
  if (sensitiveBuckets.length > 0) {
    selectors.push({
      name: 'S3 data events of the sensitive buckets',
      fieldSelectors: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
        { field: 'resources.ARN', startsWith: sensitiveBucketArnPrefixes(sensitiveBuckets, partition) },
      ],
    });
  }
  return selectors;
};
