#!/usr/bin/env node
// The `vigil` command. The CLI is TypeScript run through tsx, so what runs is what the tests test.
import { register } from 'tsx/esm/api';

register();
await import('./vigil.ts');
