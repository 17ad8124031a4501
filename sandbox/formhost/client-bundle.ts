/**
 * The browser half of the form host (`client/`), bundled with esbuild when the form host starts:
 * one IIFE script, ES2020, with the parts of core it uses (the table definitions, the Web API
 * record helpers). It runs beside the platform libraries and never bundles React itself: code
 * components render with the platform's React, as in Dataverse.
 */
import { build } from "esbuild";
import { join } from "node:path";

export async function bundleClient(): Promise<string> {
  const result = await build({
    entryPoints: [join(__dirname, "client", "main.ts")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2020",
    sourcemap: "inline",
    charset: "utf8",
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error("esbuild produced no output for the form host client.");
  return output.text;
}
