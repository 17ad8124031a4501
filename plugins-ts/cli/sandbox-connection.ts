/**
 * The connection file a running sandbox leaves in its state folder (`.sandbox/connection.json`),
 * so `fsi sync` reaches the sandbox on whatever port it took, with its token, and finds the state
 * files the sandbox's host keeps there — without the values living only in the source. The sandbox
 * writes it (`sandbox/cli.ts`); this module owns its shape so the product never imports the sandbox.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";

export const SANDBOX_CONNECTION_FILE = "connection.json";
export const DEFAULT_SANDBOX_DIR = ".sandbox";

const connectionFileSchema = z.object({
  url: z.url(),
  scmUrl: z.url(),
  dataverseToken: z.string().min(1),
  integrationUserId: z.guid(),
  /** File names inside the state folder. */
  statePath: z.string().min(1),
  inventoryStatePath: z.string().min(1),
  /**
   * The sandbox host's own settings `fsi setup` / `fsi doctor` need — what a deployed host keeps in
   * Key Vault: its FSI_WEBHOOK_KEY (and header name) and FSI_SCM_EVENTS_KEY — and the token of
   * the administrator who imported the solution (the one who runs `fsi setup`).
   */
  webhookKey: z.string().min(16).optional(),
  webhookKeyName: z.string().min(1).optional(),
  scmEventsKey: z.string().min(16).optional(),
  setupToken: z.string().min(1).optional(),
  /** The values the sandbox's tenant gives the sign-in environment variables (an admin reads them in Entra ID). */
  variables: z.record(z.string(), z.string()).optional(),
});

export type SandboxConnection = z.infer<typeof connectionFileSchema>;

/** Written by the sandbox when it listens; readable by its owner only (it holds a token). */
export function writeSandboxConnection(stateDir: string, connection: SandboxConnection): string {
  const path = join(stateDir, SANDBOX_CONNECTION_FILE);
  writeFileSync(path, `${JSON.stringify(connectionFileSchema.parse(connection), null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

export class SandboxConnectionError extends Error {
  override readonly name = "SandboxConnectionError";
}

/** The sandbox's connection with absolute state paths; undefined when the folder holds no file. */
export function readSandboxConnection(stateDir: string): SandboxConnection | undefined {
  const folder = resolve(stateDir);
  const path = join(folder, SANDBOX_CONNECTION_FILE);
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new SandboxConnectionError(
      `${path} is not JSON (${error instanceof Error ? error.message : String(error)}); start the sandbox again to rewrite it.`,
    );
  }
  const parsed = connectionFileSchema.safeParse(json);
  if (!parsed.success)
    throw new SandboxConnectionError(
      `${path} is not a sandbox connection file; start the sandbox again to rewrite it.`,
    );
  return {
    ...parsed.data,
    statePath: resolve(folder, parsed.data.statePath),
    inventoryStatePath: resolve(folder, parsed.data.inventoryStatePath),
  };
}
