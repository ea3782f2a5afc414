/** Errors the CLI turns into exit status 2 with a one-line message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
