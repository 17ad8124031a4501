/**
 * The standalone plug-in host (`plugins-ts/host/main.ts`) as a child process of its own, configured
 * only by `FSI_*` variables, as an instance of a scaled-out Function App runs: `node --import tsx`,
 * port 0, its URL read from the line it prints when ready. A test can kill it with SIGKILL (no
 * cleanup, as a crashed or evicted instance) or stop it with SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

const MAIN = join(__dirname, "..", "..", "host", "main.ts");
const READY = /Plug-in host ready at (http:\/\/\S+)\/plugins /;
const START_DEADLINE_MS = 60_000;

export interface HostProcess {
  /** The host's origin (`http://127.0.0.1:<port>`). */
  readonly url: string;
  readonly pid: number;
  /** What the process printed (both streams), for a failing test's message. */
  readonly output: readonly string[];
  /** Resolves with the signal that ended the process (null when it exited by itself). */
  readonly exited: Promise<NodeJS.Signals | null>;
  /** SIGKILL: no cleanup, as a crashed instance. */
  kill(): Promise<NodeJS.Signals | null>;
  /** SIGTERM: the host finishes in-flight work and exits. */
  stop(): Promise<void>;
}

export async function startHostProcess(variables: Readonly<Record<string, string>>): Promise<HostProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { PATH: process.env.PATH ?? "", ...variables, FSI_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<NodeJS.Signals | null>((resolve) => {
    child.once("exit", (_code, signal) => {
      resolve(signal);
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the host did not start within ${START_DEADLINE_MS} ms:\n${output.join("")}`));
    }, START_DEADLINE_MS);
    const collect = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output.push(text);
      const ready = READY.exec(output.join(""));
      if (ready?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    void exited.then((signal) => {
      clearTimeout(timer);
      reject(new Error(`the host exited before it was ready (${signal ?? "no signal"}):\n${output.join("")}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("the host process has no pid");
  return {
    url,
    pid,
    output,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      return exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
