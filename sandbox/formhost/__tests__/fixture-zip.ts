/**
 * A solution zip built by the real packer from the solution's source and small stand-ins for the
 * built controls and form library (`solution/__tests__/fixtures.ts`), written to a temp folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSolutionPackages } from "@fsi/solution/pack/build";
import { fixtureBuild } from "@fsi/solution/__tests__/fixtures";

export interface FixtureZip {
  readonly path: string;
  readonly bytes: Buffer;
  dispose(): void;
}

export async function fixtureZip(formsScript = "var FSI = { Forms: {} };\n"): Promise<FixtureZip> {
  const build = fixtureBuild();
  build.write("webresources/fsi_/scripts/forms.js", formsScript);
  try {
    const { unmanaged } = await buildSolutionPackages(build.options);
    const folder = mkdtempSync(join(tmpdir(), "fsi-formhost-"));
    const path = join(folder, "FieldServiceScmIntegration.zip");
    writeFileSync(path, unmanaged);
    return {
      path,
      bytes: unmanaged,
      dispose: () => {
        rmSync(folder, { recursive: true, force: true });
      },
    };
  } finally {
    build.dispose();
  }
}
