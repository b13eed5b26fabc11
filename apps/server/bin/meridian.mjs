#!/usr/bin/env node
// The `meridian` command. Runs the TypeScript sources directly through tsx.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv);
