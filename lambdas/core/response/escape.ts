/**
 * Escaping for strings that came from an event: a principal name, a session name, a user agent
 * are chosen by whoever made the call, and an insider would love a notification that pings
 * `@channel`, links somewhere else, or reads "Approved by security" on a line of its own.
 */

// Control characters (newlines included) and Unicode bidirectional controls, which can make text
// read in another order than it is written.
const CONTROL = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** One line of plain text: control and bidi characters shown as `\uXXXX`, cut to `max` characters. */
export const oneLine = (value: string, max = 300): string => {
  const shown = value.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
};

/**
 * Text safe inside Slack `mrkdwn`: `&`, `<`, `>` escaped as Slack requires (so no `<!channel>`,
 * `<@U...>` or `<url|label>` survives), and the formatting characters `*`, `_`, `~`, `` ` `` made
 * inert with a zero-width space after them, so a name cannot bold, strike or open code.
 */
export const escapeMrkdwn = (value: string, max = 300): string =>
  oneLine(value, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([*_~`])/g, '$1\u200b');

/** Text for a Slack `plain_text` object: Slack does not parse it, so only lines and length matter. */
export const slackPlain = (value: string, max = 2000): string => oneLine(value, max);

/** Text safe in HTML element content and quoted attribute values. */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** ASCII only, one line, at most `max` characters: an SNS subject. */
export const asciiLine = (value: string, max = 99): string => {
  const ascii = value
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  return ascii.length > max ? `${ascii.slice(0, max - 3)}...` : ascii;
};
