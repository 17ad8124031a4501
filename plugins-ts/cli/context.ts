/** What every `fsi sync` command works with, and how it reports. */
import type { Logger } from "../services/logger";
import type { MapCatalog } from "../services/map-catalog";
import type { HostStateStore } from "../sync/state-store";
import type { CliSettings, Environment } from "./config";

export interface CliIo {
  /** One line (or block) of the command's output. */
  out(text: string): void;
  /** Warnings and errors. */
  err(text: string): void;
  readonly env: Environment;
  readonly cwd: string;
  /** The terminal to draw progress bars on; none (or not a TTY): no bars. */
  readonly progressStream?: NodeJS.WriteStream;
}

export interface CommandContext {
  readonly io: CliIo;
  readonly settings: CliSettings;
  readonly maps: MapCatalog;
  readonly state: HostStateStore;
  readonly log: Logger;
}

/** Exit codes: documented in plugins-ts/cli/README.md. */
export const ExitCode = {
  Ok: 0,
  /** The command ran; some rows or changes failed (listed). */
  RowsFailed: 1,
  /** Wrong arguments or configuration. */
  Usage: 2,
  /** Stopped: a system did not answer (resume later). */
  Stopped: 3,
} as const;

export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly code = "USAGE";
}

/** The maps a command names (`all` for every map), checked against the catalog. */
export function namedMaps(catalog: MapCatalog, names: readonly string[]): string[] {
  if (names.length === 0)
    throw new UsageError(`Name a map: ${catalog.maps.map((map) => map.name).join(", ")} (or all).`);
  if (names.includes("all")) return catalog.maps.map((map) => map.name);
  for (const name of names) {
    if (catalog.byName(name) === undefined)
      throw new UsageError(
        `There is no map '${name}'; maps: ${catalog.maps.map((map) => map.name).join(", ")} (or all).`,
      );
  }
  return [...new Set(names)];
}
