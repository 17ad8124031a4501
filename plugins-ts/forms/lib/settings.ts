/**
 * The solution's settings, read from Dataverse environment variables once per page (a form script
 * library is evaluated once per page, so a module-level promise is the page cache).
 */
import { dataverseClient, retrieveEnvironmentVariableValue } from "./dataverse";

/** What to do when SCM cannot be asked: refuse the save, or save and let the server-side check decide. */
export type ScmUnavailablePolicy = "block" | "warn";

export interface FormSettings {
  /** `fsi_ValidationApiUrl`: the plug-in host's `POST /plugins/validate`. */
  readonly validationApiUrl: string | undefined;
  /** `fsi_ValidationApiTokenUrl`: GET, with the user's cookies, answers `{ access_token, expires_in }`. */
  readonly validationApiTokenUrl: string | undefined;
  /** `fsi_ScmUnavailablePolicy`; `block` when unset or unrecognised (the server-side check fails closed too). */
  readonly scmUnavailablePolicy: ScmUnavailablePolicy;
  /** `fsi_DefaultCompany`: a company code (`usmf`) new rows start with. */
  readonly defaultCompany: string | undefined;
}

export const environmentVariableNames = {
  validationApiUrl: "fsi_ValidationApiUrl",
  validationApiTokenUrl: "fsi_ValidationApiTokenUrl",
  scmUnavailablePolicy: "fsi_ScmUnavailablePolicy",
  defaultCompany: "fsi_DefaultCompany",
} as const;

interface RetrieveEnvironmentVariableValueResponse {
  readonly Value?: unknown;
}

async function environmentVariable(schemaName: string): Promise<string | undefined> {
  const reply = await dataverseClient().execute<RetrieveEnvironmentVariableValueResponse>({
    logicalName: retrieveEnvironmentVariableValue.operationName,
    DefinitionSchemaName: schemaName,
  });
  const value = reply?.Value;
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

export function parsePolicy(value: string | undefined): ScmUnavailablePolicy {
  return value?.toLowerCase() === "warn" ? "warn" : "block";
}

/**
 * Reads the four variables. One that cannot be read (its definition is not in this environment, or
 * it has no value) counts as unset; if none can be read the Web API itself is failing, and that is
 * an error so the caller asks again later.
 */
async function readSettings(): Promise<FormSettings> {
  const names = [
    environmentVariableNames.validationApiUrl,
    environmentVariableNames.validationApiTokenUrl,
    environmentVariableNames.scmUnavailablePolicy,
    environmentVariableNames.defaultCompany,
  ];
  const results = await Promise.allSettled(names.map(environmentVariable));
  if (results.every((result) => result.status === "rejected")) {
    throw new Error(`Could not read the environment variables ${names.join(", ")}.`);
  }
  const [validationApiUrl, validationApiTokenUrl, policy, defaultCompany] = results.map((result) =>
    result.status === "fulfilled" ? result.value : undefined,
  );
  return {
    validationApiUrl,
    validationApiTokenUrl,
    scmUnavailablePolicy: parsePolicy(policy),
    defaultCompany: defaultCompany?.toLowerCase(),
  };
}

let pageSettings: Promise<FormSettings> | undefined;

/**
 * The settings, read on first use and kept for the page. A failed read (offline, a transient Web API
 * error) is not kept, so the next load or save asks again.
 */
export function formSettings(): Promise<FormSettings> {
  if (pageSettings === undefined) {
    const reading = readSettings();
    pageSettings = reading;
    reading.catch(() => {
      if (pageSettings === reading) pageSettings = undefined;
    });
  }
  return pageSettings;
}
