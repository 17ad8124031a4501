/**
 * The config file every `fsi` command reads (`--config <file.json>`, else `FSI_CONFIG`): one JSON
 * object of `FSI_*` names and values, the same settings a deployed host has as app settings, so the
 * command reaches that host's store and endpoints. Precedence is the same for `fsi sync`,
 * `fsi setup` and `fsi doctor`: flags override `FSI_*` variables, which override the file — a
 * variable set for one command (a secret kept out of the file, another prefix) wins over the file.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export type Environment = Readonly<Record<string, string | undefined>>;

/** The config file is missing, is not JSON, or is not one object of `FSI_*` settings. */
export class ConfigFileError extends Error {
  override readonly name = "ConfigFileError";
  readonly code = "INVALID_CONFIGURATION";
}

const blank = (value: string | undefined): value is undefined => value === undefined || value.trim() === "";

/** The file's settings by name; numbers and booleans are taken as their text, as app settings are. */
export function readConfigFile(path: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigFileError(`--config ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigFileError(
      `--config ${path}: expected one JSON object of FSI_* settings, e.g. {"FSI_STATE_STORE": "azure", ...}.`,
    );
  }
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!name.startsWith("FSI_")) throw new ConfigFileError(`--config ${path}: '${name}' is not an FSI_* setting.`);
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new ConfigFileError(`--config ${path}: ${name} must be a string (or a number or boolean).`);
    }
    settings[name] = String(value);
  }
  return settings;
}

/**
 * The environment a command works with: the config file named by `configFlag` (else `FSI_CONFIG`;
 * relative to `cwd`), overridden by every variable that is set and not blank. The caller applies
 * its flags on top.
 */
export function environmentWithConfigFile(
  configFlag: string | undefined,
  environment: Environment,
  cwd: string,
): Record<string, string | undefined> {
  const path = blank(configFlag) ? environment.FSI_CONFIG : configFlag;
  const merged: Record<string, string | undefined> = blank(path) ? {} : readConfigFile(resolve(cwd, path));
  for (const [name, value] of Object.entries(environment)) if (!blank(value)) merged[name] = value;
  return merged;
}
