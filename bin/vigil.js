#!/usr/bin/env node
// The `vigil` command. The CLI is TypeScript run through tsx, so what runs is what the tests test.
// Vigil runs on Node 22 or later (the local playbooks need it); `npm ci` installs Node 24 into
// node_modules, and `npx vigil` / `npm run` put it first on PATH. Started by an older Node
// directly, hand over to that one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  const here = dirname(fileURLToPath(import.meta.url));
  const local = join(here, '..', 'node_modules', '.bin', 'node');
  if (!existsSync(local)) {
    process.stderr.write(
      `vigil: needs Node.js 22 or later (this is ${process.version}); run npm ci first, which installs it\n`,
    );
    process.exit(1);
  }
  const result = spawnSync(local, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

const { register } = await import('tsx/esm/api');
register();
await import('./vigil.ts');
