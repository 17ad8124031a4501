/**
 * One origin for the whole sandbox: every emulator is a mount (a path prefix and a handler) on a
 * single `node:http` server. To add an emulator, add its factory to `sandboxMounts`.
 */
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { join } from "node:path";
import {
  HttpError,
  type OwnOrigin,
  Router,
  closeServer,
  listen,
  ownOrigin,
  renderJsonError,
  requireOwnOrigin,
} from "./http";
import { WEB_API_PATH } from "./dataverse";
import { dataverseMount } from "./dataverse/mount";
import { createScmEmulator } from "./scm";

export interface SandboxContext {
  /** Folder for state files (SQLite); `null` keeps everything in memory (tests). */
  readonly stateDir: string | null;
  /** Fill empty emulators with their seed data. */
  readonly seed: boolean;
  readonly log: (message: string) => void;
  /** The port asked for: 0 when any free port will do (tests), so servers beside it take free ports too. */
  readonly requestedPort: number;
}

export interface Mount {
  /** Path prefix served, without a trailing slash (`/scm`, `/api/data/v9.2`). */
  readonly prefix: string;
  readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  readonly close: () => Promise<void>;
  /** Paths worth trying, printed by `npm start`. */
  readonly tryPaths?: readonly string[];
  /** Called once the server listens, with its base URL (the plug-in host registers itself then). */
  readonly onListening?: (url: string) => Promise<void>;
}

export type MountFactory = (context: SandboxContext) => Mount | Promise<Mount>;

export const scmMount: MountFactory = (context) => {
  const scm = createScmEmulator({
    database: context.stateDir === null ? ":memory:" : join(context.stateDir, "scm.sqlite"),
    seed: context.seed,
    log: context.log,
    // The custom validation service exists only where its X++ code is deployed: off unless asked for.
    validationService: process.env.FSI_SCM_VALIDATION === "custom-service",
  });
  return {
    prefix: scm.prefix,
    handle: scm.handle,
    close: scm.close,
    tryPaths: [
      "/scm/data/Warehouses?$filter=PrimaryAddressCity eq 'Chicago'&$select=WarehouseId,WarehouseName,PrimaryAddressLatitude,PrimaryAddressLongitude",
      "/scm/data/Warehouses(dataAreaId='demf',WarehouseId='DE-BER-01')",
      "/scm/data/MaintenanceAssets?cross-company=true&$top=5&$count=true",
      "/scm/admin/rules",
    ],
  };
};

/** The emulators `npm start` serves, in mount order. */
export const sandboxMounts: readonly MountFactory[] = [scmMount, dataverseMount];

/**
 * Routes only the sandbox's own pages may call (`http/own-origin.ts`): SCM's admin API (its
 * subscriptions carry the events key) and Dataverse's plug-in registration tables (the webhook keys).
 */
export const ADMIN_PREFIXES: readonly string[] = [
  "/scm/admin",
  `${WEB_API_PATH}/serviceendpoints`,
  `${WEB_API_PATH}/sdkmessageprocessingsteps`,
  `${WEB_API_PATH}/sdkmessageprocessingstepimages`,
];

export interface SandboxOptions {
  readonly port?: number;
  readonly host?: string;
  /** More names the sandbox answers (`name` or `name:port`), beyond its own address and loopback names. */
  readonly allowedHosts?: readonly string[];
  readonly stateDir: string | null;
  readonly seed?: boolean;
  readonly mounts?: readonly MountFactory[];
  readonly log?: (message: string) => void;
}

export interface SandboxServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly mounts: readonly Mount[];
  readonly close: () => Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<SandboxServer> {
  const log = options.log ?? (() => undefined);
  const context: SandboxContext = {
    stateDir: options.stateDir,
    seed: options.seed ?? true,
    log,
    requestedPort: options.port ?? 8080,
  };
  const mounts: Mount[] = [];
  const closeMounts = async (): Promise<void> => {
    for (const mount of [...mounts].reverse()) await mount.close();
  };
  try {
    for (const factory of options.mounts ?? sandboxMounts) mounts.push(await factory(context));
  } catch (error) {
    await closeMounts();
    throw error;
  }

  const router = new Router({
    onServerError: (error) => {
      log(`sandbox: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    },
  });
  for (const mount of mounts) router.on("*", mount.prefix, ({ req, res }) => mount.handle(req, res));
  if (!mounts.some((mount) => mount.prefix === "/" || mount.prefix === "")) {
    const served = mounts.map((mount) => `${mount.prefix}/`).join(", ");
    router.on("*", "/", ({ url }) => {
      throw new HttpError(404, "NOT_FOUND", `No resource at '${url.pathname}'; the sandbox serves ${served}.`);
    });
  }

  // Known once listening; until then nothing is answered.
  const guard: { own?: OwnOrigin } = {};
  const server = createServer((req, res) => {
    try {
      if (guard.own === undefined) throw new HttpError(503, "STARTING", "The sandbox is starting.");
      requireOwnOrigin(req, guard.own);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      renderJsonError(error, { req, res, url: new URL("http://127.0.0.1/") });
      return;
    }
    router.listener(req, res);
  });
  let url: string;
  try {
    url = await listen(server, options.port ?? 8080, options.host ?? "127.0.0.1");
  } catch (error) {
    await closeMounts();
    throw error;
  }
  guard.own = ownOrigin(url, ADMIN_PREFIXES, options.allowedHosts);
  try {
    for (const mount of mounts) await mount.onListening?.(url);
  } catch (error) {
    await closeServer(server);
    await closeMounts();
    throw error;
  }
  return {
    url,
    mounts,
    close: async () => {
      await closeServer(server);
      await closeMounts();
    },
  };
}
