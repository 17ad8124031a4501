/**
 * Small stand-ins for the artifacts other parts build (control bundles, the form script library),
 * written to a temporary folder in the layout `npm run build` produces: `controls/<Name>/` with a
 * manifest, a bundle and strings, and the web resources (`webresources/fsi_/scripts/forms.js`,
 * `sign-in.js`, `fsi_/auth/redirect.html` and `.js`). Each fixture control
 * declares the properties the solution's forms bind.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { integrationTableNames, tables } from "@fsi/core";
import { controlNames, type ControlName } from "../components/controls";
import { controlBindings } from "../components/forms";
import { controlNamespace } from "../identity";
import { packageVersion, sourceFolder } from "../paths";
import type { StageOptions } from "../pack/stage";
import { el, serializeXml, type XmlElement } from "../xml";

/**
 * The bound properties the forms use (and the inputs they set), per control, with every type the forms pass; each
 * placement's first (main) property is required.
 */
function fixtureProperties(control: ControlName): XmlElement[] {
  const placements = [
    ...integrationTableNames.map((name) => controlBindings.scmIntegrationPanel(tables[name]!)),
    controlBindings.nearbyWarehousesOnWorkOrder(),
    controlBindings.nearbyWarehousesOnWorkOrderProduct(),
    controlBindings.customerAssetPicker(),
    controlBindings.warehouseOnHand(),
  ].filter((placement) => placement.control === control);
  const required = new Set(placements.map((placement) => placement.bound[0]?.property));
  const types = new Map<string, Set<string>>();
  for (const parameter of placements.flatMap((placement) => placement.bound)) {
    types.set(parameter.property, (types.get(parameter.property) ?? new Set()).add(parameter.type));
  }
  // The fixed inputs the forms set (`usage="input"`), one type each.
  const inputs = new Map(
    placements.flatMap((placement) => placement.inputs ?? []).map((input) => [input.property, input.type]),
  );
  const inputProperties = [...inputs].map(([property, type]) =>
    el("property", {
      name: property,
      "display-name-key": property,
      "of-type": type,
      usage: "input",
      required: "false",
    }),
  );
  return [
    ...inputProperties,
    ...[...types].flatMap(([property, propertyTypes]) =>
      propertyTypes.size === 1
        ? [
            el("property", {
              name: property,
              "display-name-key": property,
              "of-type": [...propertyTypes][0],
              usage: "bound",
              required: String(required.has(property)),
            }),
          ]
        : [
            el(
              "type-group",
              { name: `${property}Types` },
              [...propertyTypes].map((type) => el("type", {}, type)),
            ),
            el("property", {
              name: property,
              "display-name-key": property,
              "of-type-group": `${property}Types`,
              usage: "bound",
              required: String(required.has(property)),
            }),
          ],
    ),
  ];
}

export function fixtureManifest(
  control: ControlName,
  version: string,
  extraResources: readonly XmlElement[] = [],
): string {
  return serializeXml(
    el("manifest", {}, [
      el(
        "control",
        {
          namespace: controlNamespace,
          constructor: control,
          version,
          "display-name-key": control,
          "control-type": "virtual",
        },
        [
          ...fixtureProperties(control),
          el("resources", {}, [
            el("code", { path: "bundle.js", order: 1 }),
            el("platform-library", { name: "React", version: "16.14.0" }),
            el("platform-library", { name: "Fluent", version: "9.46.2" }),
            el("resx", { path: `strings/${control}.1033.resx`, version: "1.0.0" }),
            ...extraResources,
          ]),
        ],
      ),
    ]),
  );
}

export interface FixtureBuild {
  readonly root: string;
  readonly options: StageOptions;
  write(relative: string, content: string | Buffer): void;
  remove(relative: string): void;
  dispose(): void;
}

/**
 * A temporary folder with built controls and the form library, and stage options pointing at it.
 * `controlVersion` is the version the controls were built with (the packer stamps the package's).
 */
export function fixtureBuild(controlVersion = packageVersion()): FixtureBuild {
  const root = mkdtempSync(path.join(tmpdir(), "fsi-solution-"));
  const write = (relative: string, content: string | Buffer) => {
    const target = path.join(root, ...relative.split("/"));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  };
  for (const control of controlNames) {
    write(`controls/${control}/ControlManifest.xml`, fixtureManifest(control, controlVersion));
    write(
      `controls/${control}/bundle.js`,
      `ComponentFramework.registerControl("${controlNamespace}.${control}", class ${control} {});\n`,
    );
    write(
      `controls/${control}/strings/${control}.1033.resx`,
      serializeXml(el("root", {}, [el("data", { name: control }, [el("value", {}, control)])])),
    );
  }
  write("webresources/fsi_/scripts/forms.js", "var FSI = { Forms: {} };\n");
  write("webresources/fsi_/scripts/sign-in.js", "var FSI = { SignIn: {} };\n");
  write(
    "webresources/fsi_/auth/redirect.html",
    '<!doctype html><title>Signing in</title><script src="redirect.js"></script>\n',
  );
  write("webresources/fsi_/auth/redirect.js", "void 0;\n");
  return {
    root,
    options: {
      sourceFolder,
      controlBuildFolder: path.join(root, "controls"),
      webResourceBuildFolder: path.join(root, "webresources"),
      packageVersion: packageVersion(),
    },
    write,
    remove: (relative) => {
      rmSync(path.join(root, ...relative.split("/")), { recursive: true, force: true });
    },
    dispose: () => {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
