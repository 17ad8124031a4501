/**
 * Bad input stops the build with an error that names the file and the problem: missing builds,
 * a control built with another version, malformed XML, forms that bind what a control does not
 * declare, a solution.xml that forgets a component, and zips the unpacker did not write.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SolutionBuildError, type Problem } from "../errors";
import { compareTrees, readTree, writeTree } from "../file-tree";
import { mainForms } from "../components/forms";
import { buildSolutionPackages } from "../pack/build";
import { packSolution } from "../pack/pack";
import { checkWebhookHostUrl } from "../pack/stage";
import { packageVersion, repositoryRoot, sourceFolder } from "../paths";
import { unpackSolution } from "../unpack/unpack";
import { el } from "../xml";
import { writeZip, readZip } from "../zip";
import { fixtureBuild, fixtureManifest, type FixtureBuild } from "./fixtures";

let fixture: FixtureBuild;

beforeEach(() => {
  fixture = fixtureBuild();
});

afterEach(() => {
  fixture.dispose();
});

async function problemsOf(build: Promise<unknown>): Promise<Problem[]> {
  try {
    await build;
  } catch (error) {
    if (error instanceof SolutionBuildError) return [...error.problems];
    throw error;
  }
  throw new Error("expected the build to stop");
}

/** A copy of solution/src in the fixture folder, to break on purpose. */
function copiedSource(): string {
  const copy = path.join(fixture.root, "src");
  writeTree(copy, readTree(sourceFolder));
  return copy;
}

const warehouseForm = mainForms.find((form) => form.table === "msdyn_warehouse");
if (warehouseForm === undefined) throw new Error("no warehouse form");
const warehouseFormFile = `Entities/msdyn_warehouse/FormXml/main/{${warehouseForm.id}}.xml`;

describe("the solution build stops", () => {
  it("when a control has not been built, naming the manifest it looked for", async () => {
    fixture.remove("controls/NearbyWarehouses");
    const problems = await problemsOf(buildSolutionPackages(fixture.options));
    expect(problems).toEqual([
      {
        code: "MISSING_BUILD",
        file: path.join(fixture.root, "controls", "NearbyWarehouses", "ControlManifest.xml"),
        message: "is missing: control NearbyWarehouses has not been built (run npm run build:controls)",
      },
    ]);
  });

  it("when a built control lacks a file its manifest names", async () => {
    fixture.remove("controls/ScmIntegrationPanel/bundle.js");
    fixture.remove("controls/CustomerAssetPicker/strings");
    const problems = await problemsOf(buildSolutionPackages(fixture.options));
    expect(problems.map((problem) => [problem.code, path.relative(fixture.root, problem.file)])).toEqual([
      ["MISSING_BUILD", path.join("controls", "CustomerAssetPicker", "strings", "CustomerAssetPicker.1033.resx")],
      ["MISSING_BUILD", path.join("controls", "ScmIntegrationPanel", "bundle.js")],
    ]);
  });

  it("when an unpacked solution holds a control of another version than the solution", async () => {
    const staged = await buildSolutionPackages(fixture.options);
    const tree = new Map(staged.staged.tree);
    const manifestPath = "Controls/fsi_FieldServiceScm.CustomerAssetPicker/ControlManifest.xml";
    tree.set(manifestPath, Buffer.from(fixtureManifest("CustomerAssetPicker", "0.0.9")));
    const problems = await problemsOf(packSolution(tree, { managed: false }));
    expect(problems).toEqual([
      {
        code: "VERSION_MISMATCH",
        file: manifestPath,
        message: `control version is 0.0.9, but the solution is ${packageVersion()}.0; the control must be built as ${packageVersion()} (the platform caches controls by version)`,
      },
    ]);
  });

  it("when a control manifest is not well-formed", async () => {
    fixture.write(
      "controls/NearbyWarehouses/ControlManifest.xml",
      '<manifest><control namespace="FieldServiceScm"></manifest>',
    );
    const problems = await problemsOf(buildSolutionPackages(fixture.options));
    expect(problems.map((problem) => [problem.code, problem.file])).toEqual([
      ["MALFORMED_XML", path.join(fixture.root, "controls", "NearbyWarehouses", "ControlManifest.xml")],
    ]);
    expect(problems[0]?.message).toMatch(/^line 1, column \d+: Expected closing tag 'control'/);
  });

  it("when a form's XML is malformed, naming the form file, line and column", async () => {
    const source = copiedSource();
    const formPath = path.join(source, ...warehouseFormFile.split("/"));
    // An unclosed <row> inside the first section's rows.
    const broken = readFileSync(formPath, "utf8").replace("<rows>", "<rows><row>");
    fixture.write(`src/${warehouseFormFile}`, broken);
    const problems = await problemsOf(buildSolutionPackages({ ...fixture.options, sourceFolder: source }));
    expect(problems.map((problem) => [problem.code, problem.file])).toEqual([["MALFORMED_XML", formPath]]);
    expect(problems[0]?.message).toMatch(/^line \d+, column \d+: Expected closing tag 'row'/);
  });

  it("when the form script library has not been built", async () => {
    fixture.remove("webresources/fsi_/scripts/forms.js");
    const problems = await problemsOf(buildSolutionPackages(fixture.options));
    expect(problems).toEqual([
      {
        code: "MISSING_BUILD",
        file: path.join(fixture.root, "webresources", "fsi_", "scripts", "forms.js"),
        message: "is missing: web resource fsi_/scripts/forms.js has not been built (run npm run build:forms)",
      },
    ]);
  });

  it("when a form binds a property the built control does not declare, or misses a required one", async () => {
    const manifest = fixtureManifest("ScmIntegrationPanel", packageVersion()).replace(
      'name="syncStatus"',
      'name="value"',
    );
    fixture.write("controls/ScmIntegrationPanel/ControlManifest.xml", manifest);
    const problems = await problemsOf(buildSolutionPackages(fixture.options));
    // Two problems on each of the five integration tables' forms.
    expect(problems).toHaveLength(10);
    expect(new Set(problems.map((problem) => problem.code))).toEqual(new Set(["BROKEN_REFERENCE"]));
    const warehouseProblems = problems.filter(
      (problem) => problem.file === path.join("solution", "src", ...warehouseFormFile.split("/")),
    );
    expect(warehouseProblems.map((problem) => problem.message)).toEqual([
      "passes syncStatus to fsi_FieldServiceScm.ScmIntegrationPanel, which declares no such property (it declares value, lastSyncedOn, lastError, company, scmIdentifier, site)",
      "does not pass fsi_FieldServiceScm.ScmIntegrationPanel's required property value",
    ]);
  });

  it("when a form binds a column of a type the control's property does not accept", async () => {
    const manifest = fixtureManifest("CustomerAssetPicker", packageVersion()).replace(
      'of-type="Lookup.Simple"',
      'of-type="SingleLine.Text"',
    );
    fixture.write("controls/CustomerAssetPicker/ControlManifest.xml", manifest);
    const problems = await problemsOf(buildSolutionPackages(fixture.options));
    expect(problems.map((problem) => problem.message)).toEqual([
      "passes boundAsset as Lookup.Simple to fsi_FieldServiceScm.CustomerAssetPicker, whose property accepts SingleLine.Text",
    ]);
  });

  it("when a control manifest names a file the control build did not produce", async () => {
    const manifest = fixtureManifest("CustomerAssetPicker", packageVersion(), [
      el("css", { path: "css/picker.css", order: 1 }),
    ]);
    fixture.write("controls/CustomerAssetPicker/ControlManifest.xml", manifest);
    const problems = await problemsOf(buildSolutionPackages(fixture.options));
    expect(problems.map((problem) => [problem.code, path.relative(fixture.root, problem.file)])).toEqual([
      ["MISSING_BUILD", path.join("controls", "CustomerAssetPicker", "css", "picker.css")],
    ]);
  });

  it("when an unpacked control folder holds a file its manifest does not name (it would ship unexplained)", async () => {
    const staged = await buildSolutionPackages(fixture.options);
    const tree = new Map(staged.staged.tree);
    tree.set("Controls/fsi_FieldServiceScm.NearbyWarehouses/bundle.js.map", Buffer.from("{}"));
    tree.set(
      "Entities/msdyn_warehouse/SavedQueries/{00000000-0000-4000-8000-000000000001}.xml",
      Buffer.from("<savedqueries/>"),
    );
    const problems = await problemsOf(packSolution(tree, { managed: false }));
    expect(problems).toEqual([
      {
        code: "INVALID_SOURCE",
        file: "Entities/msdyn_warehouse/SavedQueries/{00000000-0000-4000-8000-000000000001}.xml",
        message: "is not part of a component this packer knows (unpacked solution layout)",
      },
    ]);
    tree.delete("Entities/msdyn_warehouse/SavedQueries/{00000000-0000-4000-8000-000000000001}.xml");
    expect(await problemsOf(packSolution(tree, { managed: false }))).toEqual([
      {
        code: "INVALID_SOURCE",
        file: "Controls/fsi_FieldServiceScm.NearbyWarehouses/bundle.js.map",
        message: "is in Controls/fsi_FieldServiceScm.NearbyWarehouses but its manifest does not name it",
      },
    ]);
  });

  it("when solution.xml does not list a component the package holds", async () => {
    const source = copiedSource();
    const solutionPath = path.join(source, "Other", "Solution.xml");
    const text = readFileSync(solutionPath, "utf8");
    fixture.write(
      "src/Other/Solution.xml",
      text.replace(`<RootComponent type="60" id="{${warehouseForm.id}}" behavior="0"/>`, ""),
    );
    const problems = await problemsOf(buildSolutionPackages({ ...fixture.options, sourceFolder: source }));
    expect(problems).toEqual([
      {
        code: "INVALID_SOURCE",
        file: solutionPath,
        message: `does not list the packaged form ${warehouseForm.id} as a root component`,
      },
    ]);
  });

  it("when the plug-in host URL is not an http URL, or already carries the webhook path", () => {
    expect(() => checkWebhookHostUrl("ftp://fsi.contoso.com/", "--webhook-host-url")).toThrow(
      '--webhook-host-url: "ftp://fsi.contoso.com/" must be an http or https URL [INVALID_OPTION]',
    );
    expect(() => checkWebhookHostUrl("plugins/webhooks", "FSI_WEBHOOK_HOST_URL")).toThrow(/is not an absolute URL/);
    expect(() => checkWebhookHostUrl("https://fsi.contoso.com/plugins/webhooks/", "--webhook-host-url")).toThrow(
      /must be the plug-in host's URL without \/plugins/,
    );
    expect(() => checkWebhookHostUrl("https://fsi.contoso.com/?code=1", "--webhook-host-url")).toThrow(
      /query or fragment/,
    );
    expect(checkWebhookHostUrl("https://fsi.contoso.com/api/", "--webhook-host-url")).toBe(
      "https://fsi.contoso.com/api",
    );
  });

  it("and reports every problem at once", async () => {
    fixture.remove("controls/NearbyWarehouses");
    fixture.remove("webresources");
    fixture.write("controls/CustomerAssetPicker/ControlManifest.xml", "<manifest><control></manifest>");
    const problems = await problemsOf(buildSolutionPackages(fixture.options));
    // The control, and each of the four web resources the build would have written.
    expect(problems.map((problem) => problem.code).sort()).toEqual([
      "MALFORMED_XML",
      ...Array<string>(5).fill("MISSING_BUILD"),
    ]);
  });
});

describe("the unpacker refuses", () => {
  it("a zip entry that no component claims", async () => {
    const packages = await buildSolutionPackages(fixture.options);
    const entries = await readZip(packages.unmanaged, "solution zip");
    entries.set("WebResources/orphanjs", Buffer.from("orphan"));
    const problems = await problemsOf(unpackSolution(await writeZip([...entries]), "tampered.zip"));
    expect(problems.map((problem) => [problem.code, problem.file])).toContainEqual([
      "INVALID_PACKAGE",
      "tampered.zip/WebResources/orphanjs",
    ]);
  });

  it("a zip whose [Content_Types].xml leaves an extension out", async () => {
    const packages = await buildSolutionPackages(fixture.options);
    const entries = await readZip(packages.unmanaged, "solution zip");
    const contentTypes = (entries.get("[Content_Types].xml") ?? Buffer.alloc(0))
      .toString("utf8")
      .replace(/<Default Extension="resx"[^>]*\/>/, "");
    entries.set("[Content_Types].xml", Buffer.from(contentTypes));
    const problems = await problemsOf(unpackSolution(await writeZip([...entries]), "tampered.zip"));
    expect(problems.map((problem) => problem.message)).toContain(
      "declares no content type for Controls/fsi_FieldServiceScm.CustomerAssetPicker/strings/CustomerAssetPicker.1033.resx",
    );
  });

  it("a file that is not a zip", async () => {
    const problems = await problemsOf(unpackSolution(Buffer.from("not a zip"), "notes.txt"));
    expect(problems.map((problem) => [problem.code, problem.file])).toEqual([["INVALID_PACKAGE", "notes.txt"]]);
  });
});

describe("npm run build:solution (the CLI)", () => {
  const tsx = path.join(repositoryRoot, "node_modules", ".bin", "tsx");
  const cli = path.join(repositoryRoot, "solution", "pack", "cli.ts");

  it("writes both zips and the unpacked source, unpacks and repacks, and exits 1 naming the file at fault", () => {
    const out = path.join(fixture.root, "dist");
    const staged = path.join(fixture.root, "staged");
    const ok = spawnSync(
      tsx,
      [
        cli,
        "--controls",
        fixture.options.controlBuildFolder,
        "--webresources",
        fixture.options.webResourceBuildFolder,
        "--out",
        out,
        "--unpacked",
        staged,
      ],
      { cwd: repositoryRoot, encoding: "utf8" },
    );
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(existsSync(path.join(out, "FieldServiceScmIntegration_managed.zip"))).toBe(true);
    // The unpacked copy (for pac solution pack) is what `unpack` makes of the zip.
    const unpacked = path.join(fixture.root, "unpacked");
    const unpack = spawnSync(tsx, [cli, "unpack", path.join(out, "FieldServiceScmIntegration.zip"), unpacked], {
      cwd: repositoryRoot,
      encoding: "utf8",
    });
    expect(unpack.status).toBe(0);
    expect(compareTrees(readTree(staged), readTree(unpacked))).toEqual({ missing: [], changed: [], extra: [] });
    expect(readTree(staged).has("Controls/fsi_FieldServiceScm.NearbyWarehouses/bundle.js")).toBe(true);
    // Unpacking over a folder that holds something else is refused, not a wipe.
    const refused = spawnSync(
      tsx,
      [cli, "unpack", path.join(out, "FieldServiceScmIntegration.zip"), fixture.options.controlBuildFolder],
      {
        cwd: repositoryRoot,
        encoding: "utf8",
      },
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("is not empty and holds no unpacked solution");
    expect(existsSync(path.join(fixture.options.controlBuildFolder, "NearbyWarehouses", "bundle.js"))).toBe(true);
    // `pack <folder>` zips an unpacked folder as it is: the same bytes back, or the file at fault.
    const repacked = path.join(fixture.root, "repacked");
    const repack = spawnSync(tsx, [cli, "pack", unpacked, "--out", repacked], {
      cwd: repositoryRoot,
      encoding: "utf8",
    });
    expect(repack.status).toBe(0);
    expect(readFileSync(path.join(repacked, "FieldServiceScmIntegration.zip"))).toEqual(
      readFileSync(path.join(out, "FieldServiceScmIntegration.zip")),
    );
    const manifest = path.join(unpacked, "Controls", "fsi_FieldServiceScm.NearbyWarehouses", "ControlManifest.xml");
    writeFileSync(manifest, fixtureManifest("NearbyWarehouses", "0.0.9"));
    const stale = spawnSync(tsx, [cli, "pack", unpacked, "--out", repacked], { cwd: repositoryRoot, encoding: "utf8" });
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain(`${manifest}: control version is 0.0.9, but the solution is ${packageVersion()}.0`);

    fixture.remove("controls/ScmIntegrationPanel");
    const failed = spawnSync(
      tsx,
      [
        cli,
        "--controls",
        fixture.options.controlBuildFolder,
        "--webresources",
        fixture.options.webResourceBuildFolder,
        "--out",
        out,
      ],
      {
        cwd: repositoryRoot,
        encoding: "utf8",
      },
    );
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(
      `${path.join(fixture.root, "controls", "ScmIntegrationPanel", "ControlManifest.xml")}: is missing`,
    );
  });
});
