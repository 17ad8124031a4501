/**
 * Preloaded into pcf-scripts by controls/build.js (`node -r`).
 *
 * pcf-scripts 1.51.1 generates each control's generated/ManifestTypes.d.ts with one
 * ManifestTypesGenerator shared by every control of the project, and the generator never forgets
 * what it parsed: the second control's IInputs also lists the first control's properties, and so
 * on. This starts each control's generation from a fresh generator's state.
 */
"use strict";

const path = require("node:path");

const pcfScripts = path.dirname(
  require.resolve("pcf-scripts/package.json", { paths: [path.resolve(__dirname, "..")] }),
);
const { ManifestTypesGenerator } = require(path.join(pcfScripts, "manifestTypesGenerator.js"));

const generate = ManifestTypesGenerator.prototype.generateManifestTypes;
ManifestTypesGenerator.prototype.generateManifestTypes = function generateForOneControl(manifest) {
  Object.assign(this, new ManifestTypesGenerator());
  return generate.call(this, manifest);
};
