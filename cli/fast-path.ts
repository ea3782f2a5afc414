/**
 * The fast path's rule pattern as deployed: the CDK app synthesized in-process (no bundling, no
 * AWS calls) and the pattern read back from the template, so a pattern that would drop an event
 * in AWS drops it locally too.
 */
import type { VigilConfig } from '../lambdas/core/config.ts';
import { type EventPattern, fastPathPatternFromTemplate } from '../lambdas/core/event-pattern.ts';

/** The fast-path pattern of the template the configuration deploys. */
export const deployedFastPathPattern = async (config: VigilConfig): Promise<EventPattern> => {
  const { synthesizeTemplates } = await import('../lib/vigil-app.ts');
  const templates = synthesizeTemplates(config);
  const main = templates.Vigil;
  if (!main) throw new Error(`synthesis gave stacks ${Object.keys(templates).join(', ')}; expected Vigil`);
  return fastPathPatternFromTemplate(main);
};
