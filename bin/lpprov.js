#!/usr/bin/env node
// In a checkout the TypeScript sources run directly (Node >= 22.18 strips types); an installed
// package or the container image ships only the compiled dist/.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const compiled = new URL('../dist/cli/main.js', import.meta.url);
await import((existsSync(sources) ? sources : compiled).href);
