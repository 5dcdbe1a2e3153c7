#!/usr/bin/env node
// The `hotline` command. Sources are TypeScript run through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
const { processIo } = await import('../src/cli/io.ts');
const code = await runCli(process.argv.slice(2), processIo);
if (code !== 'running') {
  // Pipes are asynchronous: let both streams drain, then exit even if a handle lingers.
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
