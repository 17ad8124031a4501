import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(__dirname, "..", "..");

// `npm start` builds the controls, form scripts and solution zip when they are missing or stale (a
// few minutes on a fresh clone, seconds after) and seeds Dataverse on a first run.
jest.setTimeout(15 * 60_000);
const tsx = join(root, "node_modules", ".bin", "tsx");

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  readonly exit: Promise<number | null>;
}

/** Runs `sandbox/cli.ts` (or `npm start`) and resolves once it prints `Sandbox ready at <url>`. */
function startCli(args: readonly string[], through: "tsx" | "npm" = "tsx"): Promise<Started> {
  const env = { ...process.env, PORT: "0" };
  const child =
    through === "npm"
      ? spawn("npm", ["start", "--", ...args], { cwd: root, env })
      : spawn(tsx, [join(root, "sandbox", "cli.ts"), ...args], { cwd: root, env });
  let output = "";
  const exit = new Promise<number | null>((resolveExit) => {
    child.on("exit", (code) => {
      resolveExit(code);
    });
  });
  return new Promise<Started>((resolveStart, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Sandbox ready at (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) resolveStart({ child, url: match[1], output: () => output, exit });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exit.then((code) => {
      reject(new Error(`cli exited with ${String(code)} before it was ready:\n${output}`));
    });
  });
}

describe("npm start (sandbox/cli.ts)", () => {
  const stateDir = mkdtempSync(join(tmpdir(), "fsi-sandbox-"));

  afterAll(() => {
    rmSync(stateDir, { recursive: true, force: true });
  });

  const stop = async (started: Started): Promise<void> => {
    started.child.kill("SIGINT");
    expect(await started.exit).toBe(0);
    expect(started.output()).toContain("Sandbox closed.");
  };

  it("starts on a free port, serves the seeded SCM, and closes cleanly on SIGINT", async () => {
    const started = await startCli(["--state-dir", stateDir, "--fresh"]);
    try {
      const reply = await fetch(
        `${started.url}/scm/data/Warehouses?$filter=${encodeURIComponent("PrimaryAddressCity eq 'Chicago'")}&$count=true`,
      );
      expect(reply.status).toBe(200);
      const body = (await reply.json()) as { "@odata.count": number };
      expect(body["@odata.count"]).toBeGreaterThanOrEqual(5);
      expect(started.output()).toContain(`${started.url}/scm/admin/rules`);
      expect(existsSync(join(stateDir, "scm.sqlite"))).toBe(true);
      const created = await fetch(`${started.url}/scm/data/ModesOfDelivery`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ dataAreaId: "usmf", ModeCode: "DRONE", ModeDescription: "Drone delivery" }),
      });
      expect(created.status).toBe(201);
    } finally {
      await stop(started);
    }
  });

  it("keeps its state across restarts, and --fresh resets it", async () => {
    const mode = "/scm/data/ModesOfDelivery(dataAreaId='usmf',ModeCode='DRONE')";
    const again = await startCli(["--state-dir", stateDir]);
    try {
      expect((await fetch(`${again.url}${mode}`)).status).toBe(200);
    } finally {
      await stop(again);
    }
    const fresh = await startCli(["--state-dir", stateDir, "--fresh"]);
    try {
      expect((await fetch(`${fresh.url}${mode}`)).status).toBe(404);
      expect((await fetch(`${fresh.url}/scm/data/Warehouses(dataAreaId='usmf',WarehouseId='1001')`)).status).toBe(200);
    } finally {
      await stop(fresh);
    }
  });

  it("stops, port freed, when `kill` (SIGTERM) reaches the `npm start` process", async () => {
    const started = await startCli(["--state-dir", stateDir], "npm");
    expect((await fetch(`${started.url}/scm/data/Warehouses(dataAreaId='usmf',WarehouseId='1001')`)).status).toBe(200);
    started.child.kill("SIGTERM");
    await started.exit;
    expect(started.output()).toContain("Sandbox closed.");
    await expect(fetch(started.url)).rejects.toThrow();
  });

  it("refuses an unknown argument with the usage", async () => {
    const child = spawn(tsx, [join(root, "sandbox", "cli.ts"), "--bogus"], { cwd: root });
    let output = "";
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolveExit) => child.on("exit", resolveExit));
    expect(code).toBe(1);
    expect(output).toContain("Unknown argument '--bogus'");
  });
});
