/**
 * Posts a notice to Slack through an incoming webhook. The webhook URL is a secret (Secrets
 * Manager), read once per Lambda environment: either the URL itself or JSON with `url` or
 * `webhookUrl`.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { escapeMrkdwn } from '../core/response/escape.ts';
import type { Notifier, RenderedNotice } from '../core/response/ports.ts';

/** The webhook secret holds no usable URL, or Slack refused the post. */
export class SlackWebhookError extends Error {
  override readonly name = 'SlackWebhookError';
}

/** Options of the Slack notifier. */
export interface SlackNotifierOptions {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default 5000 - ms before a post is abandoned */
  readonly timeoutMs?: number;
}

/** Reads the webhook URL out of a secret's text. */
export const webhookUrlOf = (secret: string): string => {
  let url = secret.trim();
  if (url.startsWith('{')) {
    const parsed = JSON.parse(url) as { url?: unknown; webhookUrl?: unknown };
    url = typeof parsed.webhookUrl === 'string' ? parsed.webhookUrl : typeof parsed.url === 'string' ? parsed.url : '';
  }
  if (!/^https:\/\/\S+$/.test(url)) {
    throw new SlackWebhookError(
      'the Slack webhook secret holds no https URL; expected the URL, or JSON with "url" or "webhookUrl"',
    );
  }
  return url;
};

/** Notifier over a Slack incoming webhook. */
export class SlackNotifier implements Notifier {
  readonly channel = 'slack';
  readonly dryRun = false;
  private url: Promise<string> | undefined;

  constructor(
    private readonly secrets: SecretsManagerClient,
    private readonly secretId: string,
    private readonly options: SlackNotifierOptions = {},
  ) {}

  private webhook(): Promise<string> {
    this.url ??= this.secrets
      .send(new GetSecretValueCommand({ SecretId: this.secretId }))
      .then((out) => webhookUrlOf(out.SecretString ?? ''));
    // A failed read is not cached: the next notice tries again.
    this.url.catch(() => {
      this.url = undefined;
    });
    return this.url;
  }

  /** Posts the notice's blocks, with its subject, escaped, as the fallback text notifications show. */
  async send(notice: RenderedNotice): Promise<void> {
    const url = await this.webhook();
    const post = this.options.fetch ?? fetch;
    const response = await post(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Slack parses the fallback text as mrkdwn, and the subject carries the principal's name.
      body: JSON.stringify({ text: escapeMrkdwn(notice.subject, 150), blocks: notice.blocks }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    if (!response.ok) {
      const body = (await response.text()).slice(0, 200);
      throw new SlackWebhookError(`Slack answered ${response.status} (${body}); expected 200`);
    }
  }
}
