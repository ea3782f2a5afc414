/**
 * State transitions a playbook execution is billed for, read from the state machine CDK
 * synthesizes (see `transitionsWithoutApproval`).
 */
import type { VigilConfig } from '../../lambdas/core/config.ts';
import { synthesizePlaybookDefinitions } from '../local-playbooks.ts';
import { type StatesDefinition, transitionsWithoutApproval } from './cost-model.ts';

/** Transitions of one contain-principal execution, from the playbook as synthesized for `config`. */
export const containTransitions = (config: VigilConfig): number =>
  transitionsWithoutApproval(synthesizePlaybookDefinitions(config).contain as unknown as StatesDefinition);
