import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { arnOf, build, logicalId } from './build.ts';

describe('an existing trail', () => {
  const { template } = build({ trail: { existingTrailName: 'org-trail', existingTrailBucketName: 'org-trail-logs' } });

  it('creates no trail and no bucket', () => {
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
  });

  it("listens for the named bucket's log files", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], detail: { bucket: { name: ['org-trail-logs'] } } },
    });
  });

  it("lets the scorer read the log files, and decrypt only through S3 and only that bucket's objects", () => {
    const policy = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: logicalId(template, 'AWS::IAM::Role', 'ScorerRole') }] },
    });
    const statements = Object.values(policy)[0]?.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::org-trail-logs/*AWSLogs/*/CloudTrail/*',
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: 'arn:aws:kms:*:*:key/*',
      Condition: {
        StringLike: {
          'kms:ViaService': 's3.*.amazonaws.com',
          'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::org-trail-logs', 'arn:aws:s3:::org-trail-logs/*'],
        },
      },
    });
  });
});

describe('an organisation trail', () => {
  const { template } = build({ trail: { organisation: true } });

  it('is created as one', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', { IsOrganizationTrail: true, TrailName: 'Vigil' });
  });

  it("may write the organisation's log files to the bucket, and only this trail may", () => {
    const bucket = logicalId(template, 'AWS::S3::Bucket', 'TrailBucket');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'OrganisationTrailWrites',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [arnOf(bucket), '/AWSLogs/*']] },
            Condition: {
              StringEquals: {
                's3:x-amz-acl': 'bucket-owner-full-control',
                'aws:SourceArn': {
                  'Fn::Join': ['', ['arn:aws:cloudtrail:us-east-1:', { Ref: 'AWS::AccountId' }, ':trail/Vigil']],
                },
              },
            },
          },
        ]),
      },
    });
  });
});

describe('a trail without sensitive buckets', () => {
  const { template } = build({});

  it('logs management events only: no S3 data events are billed', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      AdvancedEventSelectors: [
        { Name: 'All management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      ],
    });
  });
});
