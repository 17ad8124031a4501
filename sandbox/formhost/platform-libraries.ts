/**
 * The platform libraries a virtual control expects as globals, served by the sandbox itself
 * (docs/design.md §4: `pcf-start`'s harness loads React from the internet; the sandbox works offline).
 *
 * Which global and which file a `<platform-library name version>` needs comes from pcf-scripts' own
 * `PlatformLibraryVersions.json` — the table its webpack externals are built from — so the bundle
 * and the host agree by construction: React 16.14 is `Reactv16` (`pcf-start/lib/react_16_14_0.js`),
 * Fluent 9 up to 9.68 is `FluentUIReactv940` (`pcf-start/lib/fluent_9_4_0.js`), and ReactDOM 16.14
 * comes from react-dom's own UMD build. The Fluent file reads the plain `React` and `ReactDOM`
 * globals, so the React scripts publish both names.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

const versionEntrySchema = z.object({
  minVersion: z.string(),
  maxVersion: z.string(),
  platformVersion: z.string(),
  staticFileTag: z.string(),
  libAlias: z.string(),
});
const versionsFileSchema = z.record(z.string(), z.array(versionEntrySchema));

export interface PlatformLibrary {
  /** Manifest name, lower-case: `react`, `react_dom`, `fluent`. */
  readonly name: string;
  readonly platformVersion: string;
  /** The global the bundle reads. */
  readonly global: string;
  /** Served at `/formhost/platform/<tag>.js`. */
  readonly tag: string;
}

function versionParts(version: string): number[] {
  return version.split(".").map((part) => Number.parseInt(part, 10) || 0);
}

/** Numeric comparison of dotted versions (`9.4` < `9.68.0`). */
export function compareVersions(a: string, b: string): number {
  const left = versionParts(a);
  const right = versionParts(b);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export class PlatformLibraries {
  private readonly versions: z.infer<typeof versionsFileSchema>;

  constructor() {
    const path = require.resolve("pcf-scripts/PlatformLibraryVersions.json");
    this.versions = versionsFileSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  }

  /** The library serving `name@version`, or undefined when the platform has none for it. */
  resolve(name: string, version: string): PlatformLibrary | undefined {
    const key = name.toLowerCase();
    const entry = this.versions[key]?.find(
      (candidate) =>
        compareVersions(version, candidate.minVersion) >= 0 && compareVersions(version, candidate.maxVersion) <= 0,
    );
    if (entry === undefined) return undefined;
    const tag =
      entry.staticFileTag !== "" ? entry.staticFileTag : `${key}_${entry.platformVersion.replace(/\./g, "_")}`;
    return { name: key, platformVersion: entry.platformVersion, global: entry.libAlias, tag };
  }

  /** ReactDOM matching a React library (the platform ships them together). */
  reactDomFor(react: PlatformLibrary): PlatformLibrary | undefined {
    return this.resolve("react_dom", react.platformVersion);
  }

  /** The script served for a library: its file plus the global aliases other libraries read. */
  script(library: PlatformLibrary): string {
    switch (library.name) {
      case "react":
        return `${readFileSync(require.resolve(`pcf-start/lib/${library.tag}.js`), "utf8")}\n;window.React = window.React || window.${library.global};\n`;
      case "react_dom":
        // react-dom's UMD build reads `React` and defines `ReactDOM`.
        return `${readFileSync(require.resolve("react-dom/umd/react-dom.production.min.js"), "utf8")}\n;window.${library.global} = window.ReactDOM;\n`;
      default:
        return readFileSync(require.resolve(`pcf-start/lib/${library.tag}.js`), "utf8");
    }
  }
}
