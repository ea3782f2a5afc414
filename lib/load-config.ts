/**
 * Reads the configuration the CDK app deploys with: the JSON file `cdk.json` names (context
 * `vigil:configFile`), validated, or the built-in defaults when that file does not exist. Every
 * error names the file and the field, and fails synthesis before anything is built.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Aws } from 'aws-cdk-lib';
import { ConfigError, defaultConfig, parseConfig, type VigilConfig } from '../lambdas/core/config.ts';
import { sensitiveBucketArnPrefixes } from './trail-selectors.ts';

/** Context key in `cdk.json` naming the configuration file. */
export const CONFIG_FILE_CONTEXT = 'vigil:configFile';
/** The configuration file read when `cdk.json` names none. */
export const DEFAULT_CONFIG_FILE = 'vigil.config.json';

/**
 * Checks what only deployment needs beyond `parseConfig`: a trail Vigil creates must be able to
 * select the sensitive buckets' data events. Throws ConfigError naming `source` and the field.
 */
export const checkDeployConfig = (config: VigilConfig, source: string): VigilConfig => {
  if (config.trail.existingTrailName === undefined)
    sensitiveBucketArnPrefixes(config.sensitiveBuckets, Aws.PARTITION, source);
  return config;
};

/** The validated configuration in `path`, or the built-in defaults when no file is there. */
export const loadVigilConfig = (path: string): VigilConfig => {
  if (!existsSync(path)) return checkDeployConfig(defaultConfig(), 'built-in defaults');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  return checkDeployConfig(parseConfig(json, path), path);
};
