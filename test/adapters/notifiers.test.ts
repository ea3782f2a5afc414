import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SlackNotifier, SlackWebhookError, webhookUrlOf } from '../../lambdas/adapters/slack-notifier.ts';
import { SnsNotifier } from '../../lambdas/adapters/sns-notifier.ts';
import type { RenderedNotice } from '../../lambdas/core/response/ports.ts';

const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
const notice: RenderedNotice = {
  subject: '[Vigil] CRITICAL case-0123456789abcdef0123: Contained <!channel>',
  text: 'Vigil case ...\n',
  blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Contained', emoji: false } }],
};

beforeEach(() => {
  sns.reset();
  secrets.reset();
});

describe('SnsNotifier', () => {
  it('publishes the subject and the email text', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    await new SnsNotifier(new SNSClient({}), 'arn:aws:sns:eu-west-1:111122223333:vigil').send(notice);
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([
      { TopicArn: 'arn:aws:sns:eu-west-1:111122223333:vigil', Subject: notice.subject, Message: notice.text },
    ]);
  });
});

describe('SlackNotifier', () => {
  it('posts the blocks to the webhook in the secret, the fallback text escaped, reading the secret once', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: '{"webhookUrl":"https://hooks.slack.com/services/T0/B0/x"}' });
    const posts: { url: string; body: unknown }[] = [];
    const fetchStub = (async (url: string, init: RequestInit) => {
      posts.push({ url, body: JSON.parse(String(init.body)) });
      return new Response('ok', { status: 200 });
    }) as unknown as typeof fetch;
    const slack = new SlackNotifier(new SecretsManagerClient({}), 'arn:secret', { fetch: fetchStub });
    await slack.send(notice);
    await slack.send(notice);
    expect(posts).toEqual([
      {
        url: 'https://hooks.slack.com/services/T0/B0/x',
        body: { text: '[Vigil] CRITICAL case-0123456789abcdef0123: Contained &lt;!channel&gt;', blocks: notice.blocks },
      },
      {
        url: 'https://hooks.slack.com/services/T0/B0/x',
        body: { text: '[Vigil] CRITICAL case-0123456789abcdef0123: Contained &lt;!channel&gt;', blocks: notice.blocks },
      },
    ]);
    expect(secrets.commandCalls(GetSecretValueCommand).length).toBe(1);
  });

  it('says what Slack answered when it refuses', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'https://hooks.slack.com/services/T0/B0/x' });
    const fetchStub = (async () => new Response('invalid_blocks', { status: 400 })) as unknown as typeof fetch;
    await expect(
      new SlackNotifier(new SecretsManagerClient({}), 'arn:secret', { fetch: fetchStub }).send(notice),
    ).rejects.toThrow(new SlackWebhookError('Slack answered 400 (invalid_blocks); expected 200'));
  });

  it('refuses a secret without an https URL', () => {
    expect(() => webhookUrlOf('http://example.com')).toThrow(SlackWebhookError);
  });
});
