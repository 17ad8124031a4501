/**
 * Builds the form scripts' web resources, each a minified IIFE:
 * - `fsi_/scripts/forms.js`: publishes `FSI.Forms.<Table>` (index.ts);
 * - `fsi_/scripts/sign-in.js`: publishes `FSI.SignIn` (MSAL.js, sign-in/index.ts), a library of its
 *   own so forms.js stays small and a page loads MSAL once;
 * - `fsi_/auth/redirect.html` and `fsi_/auth/redirect.js`: the redirect page of MSAL's popup and
 *   silent flows (sign-in/redirect.ts).
 * `npm run build:forms` runs this file; tests and the benchmark call `buildForms()` / `buildSignIn()`.
 */
import { build, type BuildOptions, type Plugin } from "esbuild";
import { copyFile, mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { formMaps } from "./lib/form-maps";

const repositoryRoot = path.resolve(__dirname, "..");

/** Where the solution packer picks the web resource up. */
export const formsBundlePath = path.join(repositoryRoot, "out", "webresources", "fsi_", "scripts", "forms.js");

/** The web resource's name in Dataverse, which the forms' library reference uses. */
export const webResourceName = "fsi_/scripts/forms.js";

const webResourcesFolder = path.join(repositoryRoot, "out", "webresources");

/** The sign-in library and the redirect page, at their web resource names under out/webresources. */
export const signInWebResources = {
  library: "fsi_/scripts/sign-in.js",
  redirectPage: "fsi_/auth/redirect.html",
  redirectScript: "fsi_/auth/redirect.js",
} as const;

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

/** Replaces form-maps.ts with its value, computed here in Node (core/maps/summary.ts says why). */
const inlineFormMaps: Plugin = {
  name: "fsi-inline-form-maps",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]forms[\\/]lib[\\/]form-maps\.ts$/ }, () => ({
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

export interface SignInBuildResult {
  readonly library: FormsBuildResult;
  readonly redirectScript: FormsBuildResult;
}

async function bundle(entry: string, outfile: string, banner: string): Promise<FormsBuildResult> {
  await mkdir(path.dirname(outfile), { recursive: true });
  await build({ ...webResourceBuildOptions, entryPoints: [entry], outfile, banner: { js: banner } });
  return { outfile, bytes: (await stat(outfile)).size };
}

/** Builds sign-in.js and the redirect page (its HTML copied, its script bundled) into `folder`. */
export async function buildSignIn(folder = webResourcesFolder): Promise<SignInBuildResult> {
  const at = (name: string) => path.join(folder, ...name.split("/"));
  const library = await bundle(
    path.join(__dirname, "sign-in", "index.ts"),
    at(signInWebResources.library),
    `/* ${signInWebResources.library}: FSI.SignIn (MSAL.js). Built by npm run build:forms. */`,
  );
  const redirectScript = await bundle(
    path.join(__dirname, "sign-in", "redirect.ts"),
    at(signInWebResources.redirectScript),
    `/* ${signInWebResources.redirectScript}: MSAL.js redirect bridge. Built by npm run build:forms. */`,
  );
  await copyFile(path.join(__dirname, "sign-in", "redirect.html"), at(signInWebResources.redirectPage));
  return { library, redirectScript };
}

if (require.main === module) {
  Promise.all([buildForms(), buildSignIn()]).then(
    ([{ outfile, bytes }, signIn]) => {
      for (const built of [{ outfile, bytes }, signIn.library, signIn.redirectScript]) {
        console.log(`${path.relative(process.cwd(), built.outfile)} (${(built.bytes / 1024).toFixed(1)} KB)`);
      }
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
