import { readFileSync } from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { nearbyStringKeys } from "../NearbyWarehouses/components/strings";
import { panelStringKeys } from "../ScmIntegrationPanel/components/strings";
import { pickerStringKeys } from "../CustomerAssetPicker/components/strings";
import { onHandStringKeys } from "../WarehouseOnHand/components/strings";
import { controlStrings } from "../testing/resx";

const controls = [
  { name: "NearbyWarehouses", keys: nearbyStringKeys },
  { name: "ScmIntegrationPanel", keys: panelStringKeys },
  { name: "CustomerAssetPicker", keys: pickerStringKeys },
  { name: "WarehouseOnHand", keys: onHandStringKeys },
] as const;

const root = path.join(__dirname, "..", "..");
// The controls' own package declares the React and Fluent they are built against.
const packageJson = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};

type Attributes = Record<string, string>;
interface Manifest {
  control: Attributes & {
    property?: { "@_display-name-key": string; "@_description-key"?: string }[];
    resources: { "platform-library"?: Attributes[]; resx?: Attributes[] };
    "feature-usage"?: { "uses-feature"?: Attributes[] };
  };
}

function manifest(name: string): Manifest {
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (tag) => ["property", "platform-library", "resx", "uses-feature"].includes(tag),
  });
  return (
    parser.parse(readFileSync(path.join(root, "controls", name, "ControlManifest.Input.xml"), "utf8")) as {
      manifest: Manifest;
    }
  ).manifest;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? "").sort();
}

describe.each(controls)("$name", ({ name, keys }) => {
  const { control } = manifest(name);

  it("is a virtual control on the platform's React 16.14 and Fluent 9, at the versions installed", () => {
    expect(control["@_namespace"]).toBe("FieldServiceScm");
    expect(control["@_constructor"]).toBe(name);
    expect(control["@_version"]).toBe("0.1.0");
    expect(control["@_control-type"]).toBe("virtual");
    const libraries: Record<string, string | undefined> = Object.fromEntries(
      (control.resources["platform-library"] ?? []).map((lib) => [lib["@_name"] ?? "", lib["@_version"]] as const),
    );
    expect(libraries).toEqual({
      React: packageJson.dependencies.react,
      Fluent: packageJson.dependencies["@fluentui/react-components"],
    });
    expect(libraries.React).toBe("16.14.0");
    const [major, minor] = (libraries.Fluent ?? "").split(".").map(Number);
    expect(major).toBe(9);
    expect(minor).toBeLessThanOrEqual(68);
  });

  it("ships English and French strings with the same keys and placeholders", () => {
    const english = controlStrings(name, 1033);
    const french = controlStrings(name, 1036);
    expect(Object.keys(french).sort()).toEqual(Object.keys(english).sort());
    for (const key of Object.keys(english)) {
      expect([key, placeholders(french[key] ?? "")]).toEqual([key, placeholders(english[key] ?? "")]);
    }
    const translated = Object.keys(english).filter(
      (key) => english[key] !== french[key] && (english[key] ?? "").length > 3,
    );
    expect(translated.length).toBeGreaterThan(Object.keys(english).length * 0.8);
    expect((control.resources.resx ?? []).map((resx) => resx["@_path"]).sort()).toEqual([
      `strings/${name}.1033.resx`,
      `strings/${name}.1036.resx`,
    ]);
  });

  it("has a string for every key the UI and the manifest use", () => {
    const english = controlStrings(name, 1033);
    const manifestKeys = [
      control["@_display-name-key"],
      control["@_description-key"],
      ...(control.property ?? []).flatMap((property) => [
        property["@_display-name-key"],
        property["@_description-key"],
      ]),
    ].filter((key): key is string => typeof key === "string");
    for (const key of [...keys, ...manifestKeys]) {
      expect([key, typeof english[key]]).toEqual([key, "string"]);
    }
  });
});

it("declares GPS as an optional device feature for NearbyWarehouses", () => {
  const features = manifest("NearbyWarehouses").control["feature-usage"]?.["uses-feature"] ?? [];
  expect(features).toContainEqual({ "@_name": "Device.getCurrentPosition", "@_required": "false" });
});
