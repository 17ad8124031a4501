/**
 * `npm start` builds what is missing or out of date before it starts: the controls
 * (`npm run build:controls`), the form scripts (`build:forms`) and the solution zip
 * (`build:solution`), each only when an output is missing or older than its newest input, so a
 * second start with nothing changed builds nothing and takes a moment.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export const repositoryRoot = join(__dirname, "..", "..");
export const solutionZipPath = join(repositoryRoot, "dist", "FieldServiceScmIntegration.zip");

export interface BuildStep {
  readonly name: string;
  /** The npm script that builds it. */
  readonly script: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

const skippedFolders = new Set(["node_modules", "__tests__", "testing", "generated", ".git"]);

/** The newest modification time under a file or folder (tests and generated files do not count). */
export function newestModification(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory() && skippedFolders.has(entry.name)) continue;
    newest = Math.max(newest, newestModification(join(path, entry.name)));
  }
  return newest;
}

/** The controls: every folder of `controls/` holding a manifest. */
export function controlFolders(root = repositoryRoot): string[] {
  const controls = join(root, "controls");
  if (!existsSync(controls)) return [];
  return readdirSync(controls, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(controls, entry.name, "ControlManifest.Input.xml")))
    .map((entry) => entry.name)
    .sort();
}

export function buildSteps(root = repositoryRoot): BuildStep[] {
  const at = (...parts: string[]) => join(root, ...parts);
  const shared = [at("core"), at("package.json")];
  const controlBundles = controlFolders(root).map((name) => at("out", "controls", name, "bundle.js"));
  const formScripts = [
    at("out", "webresources", "fsi_", "scripts", "forms.js"),
    at("out", "webresources", "fsi_", "scripts", "sign-in.js"),
    at("out", "webresources", "fsi_", "auth", "redirect.html"),
    at("out", "webresources", "fsi_", "auth", "redirect.js"),
  ];
  return [
    {
      name: "controls",
      script: "build:controls",
      inputs: [at("controls"), at("pcfconfig.json"), ...shared],
      outputs: controlBundles,
    },
    { name: "form scripts", script: "build:forms", inputs: [at("forms"), ...shared], outputs: formScripts },
    {
      name: "solution",
      script: "build:solution",
      inputs: [at("solution"), ...controlBundles, ...formScripts, ...shared],
      outputs: [join(root, "dist", "FieldServiceScmIntegration.zip")],
    },
  ];
}

/** Why a step must run, or undefined when its outputs are newer than every input. */
export function staleReason(step: BuildStep, root = repositoryRoot): string | undefined {
  const missing = step.outputs.find((output) => !existsSync(output));
  if (missing !== undefined) return `${relative(root, missing)} is missing`;
  const oldestOutput = Math.min(...step.outputs.map((output) => statSync(output).mtimeMs));
  const newestInput = Math.max(...step.inputs.map((input) => newestModification(input)));
  return newestInput > oldestOutput ? "its sources changed since the last build" : undefined;
}

function runScript(script: string, root: string, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const child = spawn(npm, ["run", "--silent", script], {
      cwd: root,
      env: { ...process.env, PP_TOOLS_TELEMETRY_OPTOUT: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", reject);
    child.on("close", (code) => {
      for (const line of output.split("\n").filter((text) => text.trim() !== "")) log(`  ${line}`);
      if (code === 0) resolve();
      else reject(new Error(`npm run ${script} failed (exit code ${String(code)}); its output is above.`));
    });
  });
}

/**
 * One build at a time per work tree (two test files or two terminals starting the sandbox would
 * otherwise write the same outputs at once): a lock folder, created atomically, removed after.
 * A lock older than `staleAfterMs` is left over from a killed build and is taken over.
 */
async function withBuildLock<T>(
  root: string,
  log: (line: string) => void,
  work: () => Promise<T>,
  staleAfterMs = 15 * 60_000,
): Promise<T> {
  const lock = join(root, "out", ".build-lock");
  mkdirSync(join(root, "out"), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > staleAfterMs) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!announced) log("Another build of this work tree is running; waiting for it...");
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds the stale steps in order (a step that runs makes the ones after it stale). Returns the
 * names of the steps that ran.
 */
export async function buildIfStale(log: (line: string) => void, root = repositoryRoot): Promise<string[]> {
  if (buildSteps(root).every((step) => staleReason(step, root) === undefined)) return [];
  return withBuildLock(root, log, async () => {
    const ran: string[] = [];
    for (const step of buildSteps(root)) {
      const reason = staleReason(step, root);
      if (reason === undefined) continue;
      log(`Building the ${step.name} (${reason}): npm run ${step.script}`);
      await runScript(step.script, root, log);
      ran.push(step.name);
    }
    return ran;
  });
}
