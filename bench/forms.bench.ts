/**
 * Size of the `fsi_/scripts/forms.js` web resource, raw and gzipped (what a form downloads), against
 * a baseline built the same way in the same run: dataverse-ify's browser client alone, the least any
 * form script that reads Dataverse through it ships. A second comparison row shows what inlining the
 * entity maps at build time saves (the same library with core/maps, and so zod, in the bundle).
 * Sign-in rows: the sign-in library `fsi_/scripts/sign-in.js` (MSAL.js) against forms.js — why it is a
 * library of its own, loaded once per page and cached, rather than part of forms.js — the redirect
 * page's script, and the SCM Integration panel's built bundle when `out/controls` has it (it bundles
 * MSAL: a code component cannot load a web resource library).
 *
 * Run alone: `npx tsx bench/forms.bench.ts`.
 */
import { build } from "esbuild";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { existsSync } from "node:fs";
import { buildForms, buildSignIn, webResourceBuildOptions } from "@fsi/forms/build";

export interface BundleSizeRow {
  readonly bundle: string;
  readonly rawBytes: number;
  readonly gzipBytes: number;
  /** The row this one is compared with, and the ratio of the gzipped sizes. */
  readonly baseline: string;
  readonly ratioToBaseline: number;
}

interface Measured {
  readonly rawBytes: number;
  readonly gzipBytes: number;
}

async function measure(file: string): Promise<Measured> {
  const content = await readFile(file);
  return { rawBytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
}

const baselineName = "dataverse-ify client alone";

async function buildBaseline(outfile: string): Promise<void> {
  await build({
    ...webResourceBuildOptions,
    stdin: {
      contents: [
        'import { setMetadataCache, XrmContextDataverseClient } from "dataverse-ify";',
        "setMetadataCache({});",
        "(globalThis as { client?: unknown }).client = new XrmContextDataverseClient(Xrm.WebApi);",
      ].join("\n"),
      resolveDir: path.resolve(__dirname, ".."),
      loader: "ts",
    },
    outfile,
  });
}

/** Builds forms.js (to its real path) and the comparison bundles (to a temp folder), and measures them. */
export async function formsBundleSizes(): Promise<BundleSizeRow[]> {
  const folder = await mkdtemp(path.join(os.tmpdir(), "fsi-forms-bench-"));
  try {
    const baselineFile = path.join(folder, "baseline.js");
    await buildBaseline(baselineFile);
    const baseline = await measure(baselineFile);
    const forms = await measure((await buildForms()).outfile);
    const withZod = await measure(
      (await buildForms({ outfile: path.join(folder, "forms-with-zod.js"), inlineEntityMaps: false })).outfile,
    );
    const ratio = (row: Measured, to: Measured) => Number((row.gzipBytes / to.gzipBytes).toFixed(2));
    const signIn = await buildSignIn(path.join(folder, "webresources"));
    const msal = await measure(signIn.library.outfile);
    const bridge = await measure(signIn.redirectScript.outfile);
    const panelFile = path.resolve(__dirname, "..", "out", "controls", "ScmIntegrationPanel", "bundle.js");
    const panel = existsSync(panelFile) ? await measure(panelFile) : undefined;
    const signInRows: BundleSizeRow[] = [
      {
        bundle: "fsi_/scripts/sign-in.js (MSAL.js)",
        ...msal,
        baseline: "fsi_/scripts/forms.js",
        ratioToBaseline: ratio(msal, forms),
      },
      {
        bundle: "fsi_/auth/redirect.js (MSAL redirect bridge)",
        ...bridge,
        baseline: "fsi_/scripts/forms.js",
        ratioToBaseline: ratio(bridge, forms),
      },
      ...(panel === undefined
        ? []
        : [
            {
              bundle: "ScmIntegrationPanel bundle.js (MSAL included)",
              ...panel,
              baseline: "fsi_/scripts/forms.js",
              ratioToBaseline: ratio(panel, forms),
            },
          ]),
    ];
    return [
      { bundle: baselineName, ...baseline, baseline: baselineName, ratioToBaseline: 1 },
      { bundle: "fsi_/scripts/forms.js", ...forms, baseline: baselineName, ratioToBaseline: ratio(forms, baseline) },
      {
        bundle: "forms.js with core/maps and zod bundled",
        ...withZod,
        baseline: "fsi_/scripts/forms.js",
        ratioToBaseline: ratio(withZod, forms),
      },
      ...signInRows,
    ];
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

if (require.main === module) {
  formsBundleSizes().then(
    (rows) => {
      console.table(
        rows.map((row) => ({
          bundle: row.bundle,
          "raw KB": (row.rawBytes / 1024).toFixed(1),
          "gzip KB": (row.gzipBytes / 1024).toFixed(1),
          baseline: row.baseline,
          "gzip ratio": row.ratioToBaseline,
        })),
      );
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
