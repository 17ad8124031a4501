/**
 * `npm run package:functions`: writes dist/functions/ and dist/functions.zip, the zip to deploy to
 * the Function App (docs/deploy.md, "Deploy the host").
 */
import path from "node:path";
import { buildFunctionsPackage } from "./build-package";

buildFunctionsPackage().then(
  (built) => {
    const relative = (file: string) => path.relative(process.cwd(), file);
    console.log(`Functions package: ${relative(built.folder)}/ (${built.files.join(", ")})`);
    console.log(
      `  bundle ${(built.bundleBytes / 1024).toFixed(0)} KiB from ${String(built.bundledInputs.length)} source files`,
    );
    if (built.zip !== null && built.zipBytes !== null)
      console.log(`  zip ${relative(built.zip)} ${(built.zipBytes / 1024).toFixed(0)} KiB`);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
