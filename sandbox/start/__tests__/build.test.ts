/**
 * Building what is missing or stale, in a small work tree of its own whose npm scripts write the
 * outputs: the first start builds every step, a second builds nothing, a changed source rebuilds
 * its step and the ones after it, and two starts at once build once.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildIfStale, buildSteps, controlFolders, staleReason } from "../build";

let root: string;

function write(relative: string, content: string): void {
  const path = join(root, relative);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
}

/** A script that appends its name to build.log and writes its outputs. */
function script(name: string, outputs: readonly string[]): string {
  const body = `const fs=require('fs');fs.appendFileSync('build.log','${name}\\n');for(const f of ${JSON.stringify(outputs)}){fs.mkdirSync(require('path').dirname(f),{recursive:true});fs.writeFileSync(f,'built')}`;
  return `node -e "${body.replace(/"/g, '\\"')}"`;
}

function builds(): string[] {
  try {
    return readFileSync(join(root, "build.log"), "utf8")
      .split("\n")
      .filter((line) => line !== "");
  } catch {
    return [];
  }
}

/** Moves a file's modification time `seconds` into the past (or future). */
function age(relative: string, seconds: number): void {
  const when = new Date(Date.now() + seconds * 1000);
  utimesSync(join(root, relative), when, when);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "fsi-build-"));
  write("controls/Gauge/ControlManifest.Input.xml", "<manifest/>");
  write("controls/Gauge/index.ts", "export {};");
  write("controls/Gauge/__tests__/gauge.test.ts", "");
  write("controls/shared/pcf.ts", "export {};");
  write("core/index.ts", "export {};");
  write("forms/index.ts", "export {};");
  write("solution/src/solution.xml", "<x/>");
  write("pcfconfig.json", "{}");
  write(
    "package.json",
    JSON.stringify({
      name: "fixture",
      private: true,
      scripts: {
        "build:controls": script("controls", ["out/controls/Gauge/bundle.js"]),
        "build:forms": script("forms", [
          "out/webresources/fsi_/scripts/forms.js",
          "out/webresources/fsi_/scripts/sign-in.js",
          "out/webresources/fsi_/auth/redirect.html",
          "out/webresources/fsi_/auth/redirect.js",
        ]),
        "build:solution": script("solution", ["dist/FieldServiceScmIntegration.zip"]),
      },
    }),
  );
  // Sources are older than anything a build writes.
  for (const source of [
    "controls/Gauge/index.ts",
    "controls/shared/pcf.ts",
    "core/index.ts",
    "forms/index.ts",
    "solution/src/solution.xml",
    "pcfconfig.json",
    "package.json",
    "controls/Gauge/ControlManifest.Input.xml",
    "controls/Gauge/__tests__/gauge.test.ts",
  ])
    age(source, -3600);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("building what npm start needs", () => {
  it("finds the controls by their manifests", () => {
    expect(controlFolders(root)).toEqual(["Gauge"]);
  });

  it("builds every missing output in order, then nothing on a second start", async () => {
    expect(staleReason(buildSteps(root)[0]!, root)).toBe("out/controls/Gauge/bundle.js is missing");
    const lines: string[] = [];
    expect(await buildIfStale((line) => lines.push(line), root)).toEqual(["controls", "form scripts", "solution"]);
    expect(builds()).toEqual(["controls", "forms", "solution"]);
    expect(lines[0]).toContain(
      "Building the controls (out/controls/Gauge/bundle.js is missing): npm run build:controls",
    );
    expect(await buildIfStale(() => undefined, root)).toEqual([]);
  });

  it("rebuilds a step whose sources changed and the steps after it, not the ones before", async () => {
    await buildIfStale(() => undefined, root);
    write("forms/lib/on-save.ts", "export {};");
    age("forms/lib/on-save.ts", 3600);
    expect(staleReason(buildSteps(root)[1]!, root)).toBe("its sources changed since the last build");
    expect(await buildIfStale(() => undefined, root)).toEqual(["form scripts", "solution"]);
  });

  it("does not count tests as sources", async () => {
    await buildIfStale(() => undefined, root);
    age("controls/Gauge/__tests__/gauge.test.ts", 3600);
    expect(await buildIfStale(() => undefined, root)).toEqual([]);
  });

  it("builds once when two starts ask at the same time", async () => {
    const lines: string[] = [];
    const both = await Promise.all([
      buildIfStale((line) => lines.push(line), root),
      buildIfStale((line) => lines.push(line), root),
    ]);
    expect(builds()).toEqual(["controls", "forms", "solution"]);
    expect(both.flat().sort()).toEqual(["controls", "form scripts", "solution"]);
    expect(lines).toContain("Another build of this work tree is running; waiting for it...");
  });

  it("stops with the script's output when a build fails", async () => {
    write(
      "package.json",
      JSON.stringify({
        name: "fixture",
        private: true,
        scripts: {
          "build:controls": "node -e \"console.error('pcf-scripts: Gauge does not compile');process.exit(2)\"",
        },
      }),
    );
    age("package.json", -3600);
    const lines: string[] = [];
    await expect(buildIfStale((line) => lines.push(line), root)).rejects.toThrow(
      "npm run build:controls failed (exit code 2); its output is above.",
    );
    expect(lines).toContain("  pcf-scripts: Gauge does not compile");
  });
});
