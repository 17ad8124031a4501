/**
 * Regenerates `solution/src/` from core and the component definitions.
 *   npx tsx solution/generate/cli.ts          write the files
 *   npx tsx solution/generate/cli.ts --check  exit 1 if the committed files differ
 */
import { existsSync } from "node:fs";
import { byPath, compareTrees, isSameTree, readTree, writeTree } from "../file-tree";
import { packageVersion, sourceFolder, displayPath } from "../paths";
import { generateSourceFiles } from "./source-files";

function main(argv: readonly string[]): number {
  const unknown = argv.filter((argument) => argument !== "--check");
  if (unknown.length > 0) {
    console.error(`Unknown argument ${unknown.join(" ")}. Usage: generate/cli.ts [--check]`);
    return 2;
  }
  const generated = byPath(
    [...generateSourceFiles(packageVersion())].map(([file, text]) => [file, Buffer.from(text, "utf8")] as const),
  );
  if (argv.includes("--check")) {
    const difference = compareTrees(generated, existsSync(sourceFolder) ? readTree(sourceFolder) : new Map());
    if (isSameTree(difference)) {
      console.log(`${displayPath(sourceFolder)} is up to date (${generated.size} files).`);
      return 0;
    }
    for (const file of difference.missing) console.error(`missing: ${file}`);
    for (const file of difference.changed) console.error(`changed: ${file}`);
    for (const file of difference.extra) console.error(`not generated: ${file}`);
    console.error(`${displayPath(sourceFolder)} is out of date: run npx tsx solution/generate/cli.ts`);
    return 1;
  }
  writeTree(sourceFolder, generated);
  console.log(`Wrote ${generated.size} files to ${displayPath(sourceFolder)}.`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
