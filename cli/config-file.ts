/** Reads a configuration file: JSON, validated; errors name the file and the field. */
import { readFile } from 'node:fs/promises';
import { ConfigError, defaultConfig, parseConfig, type VigilConfig } from '../lambdas/core/config.ts';

/** The validated configuration in `path`, or the built-in defaults when `path` is undefined. */
export const loadConfigFile = async (path: string | undefined): Promise<VigilConfig> => {
  if (path === undefined) return defaultConfig();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${path}: cannot read configuration: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(json, path);
};
