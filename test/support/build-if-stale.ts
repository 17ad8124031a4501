/**
 * Builds what `npm start` builds (controls, form scripts, solution zip) when missing or stale, and
 * nothing otherwise: the same check and lock the end-to-end suites use (`startE2eSandbox`). `npm
 * test` runs it beside ESLint, so the suites that need the build find it done instead of one Jest
 * worker building while the other waits.
 */
import { buildIfStale } from "@fsi/sandbox/start/build";

buildIfStale((line) => {
  console.log(line);
}).then(
  (ran) => {
    console.log(ran.length === 0 ? "The build is up to date." : `Built: ${ran.join(", ")}.`);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
