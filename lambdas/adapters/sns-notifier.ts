/**
 * Sends a notice to the security team's SNS topic: the subject line and the email-ready text.
 * Email subscribers read it as written; other subscribers get the same text.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier, RenderedNotice } from '../core/response/ports.ts';

/** Notifier over an SNS topic. */
export class SnsNotifier implements Notifier {
  readonly channel = 'sns';
  readonly dryRun = false;

  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  /** Publishes the notice's subject and text. */
  async send(notice: RenderedNotice): Promise<void> {
    await this.sns.send(new PublishCommand({ TopicArn: this.topicArn, Subject: notice.subject, Message: notice.text }));
  }
}
