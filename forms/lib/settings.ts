/**
 * The solution's settings, read from Dataverse environment variables once per page (a form script
 * library is evaluated once per page, so a module-level promise is the page cache).
 */
import { dataverseClient, retrieveEnvironmentVariableValue } from "./dataverse";
import type { SignInConfiguration } from "./sign-in-contract";
import { redirectUri } from "./token";

/** What to do when SCM cannot be asked: refuse the save, or save and let the server-side check decide. */
export type ScmUnavailablePolicy = "block" | "warn";

export interface FormSettings {
  /** `fsi_ValidationApiUrl`: the plug-in host's `POST /plugins/validate`. */
  readonly validationApiUrl: string | undefined;
  /** `fsi_EntraAuthority`: `https://login.microsoftonline.com/<tenant id>`. */
  readonly entraAuthority: string | undefined;
  /** `fsi_ValidationApiClientId`: the application (client) id of the SPA registration the scripts sign in with. */
  readonly validationApiClientId: string | undefined;
  /** `fsi_ValidationApiScope`: the validation API's delegated scope, `api://<app id uri>/Validate.Records`. */
  readonly validationApiScope: string | undefined;
  /** `fsi_ScmUnavailablePolicy`; `block` when unset or unrecognised (the server-side check fails closed too). */
  readonly scmUnavailablePolicy: ScmUnavailablePolicy;
  /** `fsi_DefaultCompany`: a company code (`usmf`) new rows start with. */
  readonly defaultCompany: string | undefined;
}

export const environmentVariableNames = {
  validationApiUrl: "fsi_ValidationApiUrl",
  entraAuthority: "fsi_EntraAuthority",
  validationApiClientId: "fsi_ValidationApiClientId",
  validationApiScope: "fsi_ValidationApiScope",
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
 * Reads the variables. One that cannot be read (its definition is not in this environment, or
 * it has no value) counts as unset; if none can be read the Web API itself is failing, and that is
 * an error so the caller asks again later.
 */
async function readSettings(): Promise<FormSettings> {
  const names = [
    environmentVariableNames.validationApiUrl,
    environmentVariableNames.entraAuthority,
    environmentVariableNames.validationApiClientId,
    environmentVariableNames.validationApiScope,
    environmentVariableNames.scmUnavailablePolicy,
    environmentVariableNames.defaultCompany,
  ];
  const results = await Promise.allSettled(names.map(environmentVariable));
  if (results.every((result) => result.status === "rejected")) {
    throw new Error(`Could not read the environment variables ${names.join(", ")}.`);
  }
  const [validationApiUrl, entraAuthority, validationApiClientId, validationApiScope, policy, defaultCompany] =
    results.map((result) => (result.status === "fulfilled" ? result.value : undefined));
  return {
    validationApiUrl,
    entraAuthority,
    validationApiClientId,
    validationApiScope,
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

/** How to sign in for the validation API, or undefined when a variable it needs has no value. */
export function signInConfiguration(settings: FormSettings): SignInConfiguration | undefined {
  const { entraAuthority, validationApiClientId, validationApiScope } = settings;
  if (entraAuthority === undefined || validationApiClientId === undefined || validationApiScope === undefined)
    return undefined;
  return {
    authority: entraAuthority,
    clientId: validationApiClientId,
    scope: validationApiScope,
    redirectUri: redirectUri(),
  };
}
