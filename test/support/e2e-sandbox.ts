/**
 * The whole sandbox for an end-to-end suite: built if stale (as `npm start` does), started once on
 * a free port with its state in memory, seeded like a first `npm start`.
 * `FSI_E2E_SOLUTION_ZIP=<path>` runs it on a zip built elsewhere instead of building.
 */
import type { EntraEmulator } from "@fsi/sandbox/auth/entra";
import type { PluginsMount } from "@fsi/sandbox/auth/plugins-mount";
import { startSandbox, type SandboxServer } from "@fsi/sandbox/server";
import { buildIfStale, solutionZipPath } from "@fsi/sandbox/start/build";
import { integratedMounts } from "@fsi/sandbox/start/mounts";

export interface E2eSandbox {
  readonly url: string;
  readonly server: SandboxServer;
  /** What the sandbox logged (warnings of the plug-in host, build output). */
  readonly log: string[];
  /** The sandbox's Entra ID (its TLS certificate is what Chromium must trust). */
  readonly entra: EntraEmulator;
  close(): Promise<void>;
}

export async function startE2eSandbox(): Promise<E2eSandbox> {
  const log: string[] = [];
  const record = (line: string): void => {
    log.push(line);
  };
  const configuredZip = process.env.FSI_E2E_SOLUTION_ZIP;
  if (configuredZip === undefined || configuredZip === "") await buildIfStale(record);
  const server = await startSandbox({
    port: 0,
    stateDir: null,
    log: record,
    mounts: integratedMounts({
      solutionZip: configuredZip !== undefined && configuredZip !== "" ? configuredZip : solutionZipPath,
      progress: record,
    }),
  });
  const plugins = server.mounts.find((mount) => mount.prefix === "/plugins") as PluginsMount | undefined;
  const entra = plugins?.entra();
  if (entra === undefined) {
    await server.close();
    throw new Error("The sandbox started without its Entra ID.");
  }
  return { url: server.url, server, log, entra, close: () => server.close() };
}
