#!/usr/bin/env node
/**
 * Builds the PCF controls with pcf-scripts, production mode, telemetry off (docs/design.md §4):
 * `out/controls/<Name>/bundle.js`, `ControlManifest.xml` and `strings/`.
 *
 *   node controls/build.js             the virtual controls (what the solution ships)
 *   node controls/build.js --bundled   the same controls as standard controls with React, ReactDOM
 *                                      and Fluent bundled in, for the size comparison in bench/
 *
 * pcf-scripts exits 0 even when a build fails, so this script deletes each output first and checks
 * that every file came back.
 */
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const repoRoot = path.resolve(__dirname, "..");
const pcfScripts = require.resolve("pcf-scripts/bin/pcf-scripts.js", { paths: [repoRoot] });

/** Folder names (= constructor names) of the controls; the solution packer relies on them. */
const controlNames = ["NearbyWarehouses", "ScmIntegrationPanel", "CustomerAssetPicker", "WarehouseOnHand"];

const defaultOutDir = path.join(repoRoot, "out", "controls");
const defaultBundledOutDir = path.join(repoRoot, "out", "controls-bundled");

function runPcfScripts(cwd) {
  const fix = path.join(__dirname, "pcf-scripts-fix.js");
  const result = spawnSync(
    process.execPath,
    ["-r", fix, pcfScripts, "build", "--buildMode", "production", "--noColor"],
    {
      cwd,
      env: { ...process.env, PP_TOOLS_TELEMETRY_OPTOUT: "true" },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.error) {
    throw result.error;
  }
  return { status: result.status ?? 1, output };
}

function checkOutputs(outDir, names, output) {
  const missing = names.flatMap((name) =>
    ["bundle.js", "ControlManifest.xml"]
      .map((file) => path.join(outDir, name, file))
      .filter((file) => !fs.existsSync(file)),
  );
  if (missing.length > 0) {
    throw new Error(
      `pcf-scripts did not produce ${missing.map((file) => path.relative(repoRoot, file)).join(", ")}:\n${output}`,
    );
  }
}

/**
 * Writes ScmIntegrationPanel/generated/scmMaps.json: core's map summaries, evaluated here in Node
 * (through tsx) so the panel's bundle gets data (core/maps/summary.ts says why).
 */
function writeScmMaps() {
  const { register } = require("tsx/cjs/api");
  const unregister = register();
  try {
    const { mapSummaries } = require("@fsi/core/maps/summary");
    const file = path.join(__dirname, "ScmIntegrationPanel", "generated", "scmMaps.json");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(mapSummaries(), null, 2)}\n`);
  } finally {
    unregister();
  }
}

/**
 * Builds the virtual controls from the repository root, where pcfconfig.json names the output
 * folder; pcf-scripts finds every ControlManifest.Input.xml below the working directory.
 */
function buildControls() {
  writeScmMaps();
  for (const name of controlNames) {
    fs.rmSync(path.join(defaultOutDir, name), { recursive: true, force: true });
  }
  const { status, output } = runPcfScripts(repoRoot);
  checkOutputs(defaultOutDir, controlNames, output);
  if (status !== 0 || /\[build\] Failed/.test(output)) {
    throw new Error(`pcf-scripts failed:\n${output}`);
  }
  return controlNames.map((name) => ({ name, bundle: path.join(defaultOutDir, name, "bundle.js") }));
}

/** A standard control that renders the virtual control's element with its own bundled ReactDOM. */
function standardWrapper(name) {
  const source = path.join(repoRoot, "controls", name);
  return `import * as ReactDOM from "react-dom";
import { ${name} as VirtualControl } from ${JSON.stringify(path.join(source, "index"))};
import type { IInputs, IOutputs } from ${JSON.stringify(path.join(source, "generated", "ManifestTypes"))};

export class ${name} implements ComponentFramework.StandardControl<IInputs, IOutputs> {
  private readonly control = new VirtualControl();
  private container: HTMLDivElement | undefined;

  public init(
    context: ComponentFramework.Context<IInputs>,
    notifyOutputChanged: () => void,
    _state: ComponentFramework.Dictionary,
    container: HTMLDivElement,
  ): void {
    this.container = container;
    this.control.init(context, notifyOutputChanged);
  }

  public updateView(context: ComponentFramework.Context<IInputs>): void {
    if (this.container) {
      ReactDOM.render(this.control.updateView(context), this.container);
    }
  }

  public getOutputs(): IOutputs {
    return this.control.getOutputs();
  }

  public destroy(): void {
    if (this.container) {
      ReactDOM.unmountComponentAtNode(this.container);
    }
    this.control.destroy();
  }
}
`;
}

/**
 * The comparison build: each control staged in a temporary folder (outside the repository, so the
 * root build never picks it up) as a standard control without platform libraries, which makes
 * webpack bundle React, ReactDOM and the Fluent components it uses.
 */
function buildBundledControls(outDir = defaultBundledOutDir) {
  writeScmMaps();
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "fsi-controls-bundled-"));
  try {
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(staging, "node_modules"), "dir");
    fs.writeFileSync(
      path.join(staging, "tsconfig.json"),
      JSON.stringify({ extends: path.join(repoRoot, "controls", "tsconfig.json"), include: ["./*/index.ts"] }, null, 2),
    );
    const pcfConfig = JSON.parse(fs.readFileSync(path.join(repoRoot, "pcfconfig.json"), "utf8"));
    fs.writeFileSync(path.join(staging, "pcfconfig.json"), JSON.stringify({ ...pcfConfig, outDir }, null, 2));
    // Fluent 9's ES modules import "react/jsx-runtime" without an extension, which webpack 5 refuses
    // for React 16 (no "exports" map) unless told not to insist on fully specified paths. Only
    // this comparison build bundles React, so only it needs pcf-scripts' custom webpack hook.
    fs.writeFileSync(path.join(staging, "featureconfig.json"), JSON.stringify({ pcfAllowCustomWebpack: "on" }));
    fs.writeFileSync(
      path.join(staging, "webpack.config.js"),
      "module.exports = { module: { rules: [{ test: /\\.m?js$/, resolve: { fullySpecified: false } }] } };\n",
    );
    for (const name of controlNames) {
      const source = path.join(repoRoot, "controls", name);
      const target = path.join(staging, name);
      fs.mkdirSync(target);
      fs.cpSync(path.join(source, "strings"), path.join(target, "strings"), { recursive: true });
      const manifest = fs
        .readFileSync(path.join(source, "ControlManifest.Input.xml"), "utf8")
        .replace(/^\s*<platform-library [^>]*\/>\s*$/gm, "")
        .replace('control-type="virtual"', 'control-type="standard"');
      fs.writeFileSync(path.join(target, "ControlManifest.Input.xml"), manifest);
      fs.writeFileSync(path.join(target, "index.ts"), standardWrapper(name));
      fs.rmSync(path.join(outDir, name), { recursive: true, force: true });
    }
    const { status, output } = runPcfScripts(staging);
    checkOutputs(outDir, controlNames, output);
    if (status !== 0 || /\[build\] Failed/.test(output)) {
      throw new Error(`pcf-scripts failed:\n${output}`);
    }
    return controlNames.map((name) => ({ name, bundle: path.join(outDir, name, "bundle.js") }));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

module.exports = { buildControls, buildBundledControls, controlNames };

if (require.main === module) {
  try {
    const bundled = process.argv.includes("--bundled");
    const built = bundled ? buildBundledControls() : buildControls();
    for (const { name, bundle } of built) {
      console.log(`${name}: ${path.relative(repoRoot, bundle)} (${(fs.statSync(bundle).size / 1024).toFixed(1)} KB)`);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
