/**
 * Builds the `fsi_/scripts/forms.js` web resource: one minified IIFE that publishes
 * `FSI.Forms.<Table>` (index.ts). `npm run build:forms` runs this file; tests and the benchmark call
 * `buildForms()`.
 */
import { build, type BuildOptions, type Plugin } from "esbuild";
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { formMaps } from "./lib/form-maps";

const repositoryRoot = path.resolve(__dirname, "../..");

/** Where the solution packer picks the web resource up. */
export const formsBundlePath = path.join(repositoryRoot, "out", "webresources", "fsi_", "scripts", "forms.js");

/** The web resource's name in Dataverse, which the forms' library reference uses. */
export const webResourceName = "fsi_/scripts/forms.js";

/** How every form script bundle is built (the benchmark builds its baseline the same way). */
export const webResourceBuildOptions = {
  bundle: true,
  minify: true,
  format: "iife",
  platform: "browser",
  // Unified Interface runs on current Edge, Chrome and Safari and in the mobile app's web view.
  target: "es2020",
  charset: "utf8",
  logLevel: "silent",
} as const satisfies BuildOptions;

/**
 * Replaces form-maps.ts with its value, computed here in Node: the entity map templates are checked
 * at build time with core's zod schemas, and the browser gets plain data instead of zod (~450 KB).
 */
const inlineFormMaps: Plugin = {
  name: "fsi-inline-form-maps",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]plugins-ts[\\/]forms[\\/]lib[\\/]form-maps\.ts$/ }, () => ({
      contents: `export const formMaps = ${JSON.stringify(formMaps)};\n`,
      loader: "js",
    }));
  },
};

export interface FormsBuildOptions {
  readonly outfile?: string;
  /**
   * Inline the entity maps as data (the default). Off, the bundle evaluates core/maps in the
   * browser, zod included; the benchmark builds it that way to show what inlining saves.
   */
  readonly inlineEntityMaps?: boolean;
}

export interface FormsBuildResult {
  readonly outfile: string;
  readonly bytes: number;
}

export async function buildForms(options: FormsBuildOptions = {}): Promise<FormsBuildResult> {
  const outfile = options.outfile ?? formsBundlePath;
  await mkdir(path.dirname(outfile), { recursive: true });
  await build({
    ...webResourceBuildOptions,
    entryPoints: [path.join(__dirname, "index.ts")],
    outfile,
    banner: { js: `/* ${webResourceName}: FSI.Forms.<Table>.onLoad / onSave. Built by npm run build:forms. */` },
    plugins: options.inlineEntityMaps === false ? [] : [inlineFormMaps],
  });
  return { outfile, bytes: (await stat(outfile)).size };
}

if (require.main === module) {
  buildForms().then(
    ({ outfile, bytes }) => {
      console.log(`${webResourceName}: ${path.relative(process.cwd(), outfile)} (${(bytes / 1024).toFixed(1)} KB)`);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
