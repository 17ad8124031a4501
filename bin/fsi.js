#!/usr/bin/env node
/**
 * `npx fsi sync ...`: runs the TypeScript CLI (plugins-ts/cli/main.ts) without a build step, by
 * registering tsx's CommonJS loader, which compiles each .ts file as it is required.
 */
"use strict";

const { register } = require("tsx/cjs/api");

register();
const { main } = require("@fsi/plugins/cli/main");

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`fsi: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 3;
  },
);
