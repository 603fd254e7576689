#!/usr/bin/env node
// The `vfm-lab` command runs the TypeScript sources directly through tsx, so it works right
// after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
