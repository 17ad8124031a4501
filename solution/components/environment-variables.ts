/**
 * The environment variable definitions the solution ships (docs/design.md §5). Form scripts and
 * controls read them with `RetrieveEnvironmentVariableValue`; an admin overrides a default by
 * giving the variable a value in the target environment.
 */

/** `environmentvariabledefinition.type` (Microsoft Learn, "EnvironmentVariableDefinition table reference"). */
export const EnvironmentVariableType = {
  String: 100000000,
  Number: 100000001,
  Boolean: 100000002,
  Json: 100000003,
} as const;
export type EnvironmentVariableTypeName = keyof typeof EnvironmentVariableType;

export interface EnvironmentVariableDefinition {
  readonly schemaName: string;
  readonly displayName: string;
  readonly description: string;
  readonly type: EnvironmentVariableTypeName;
  readonly defaultValue: string;
  /** Values the variable may take, when it is an enumeration kept in a String. */
  readonly allowedValues?: readonly string[];
}

export const environmentVariables: readonly EnvironmentVariableDefinition[] = [
  {
    schemaName: "fsi_ValidationApiUrl",
    displayName: "SCM validation API URL",
    description:
      "POST endpoint the form scripts send a record to before saving it, to be checked against Supply Chain Management's rules.",
    type: "String",
    defaultValue: "http://127.0.0.1:8080/plugins/validate",
  },
  {
    schemaName: "fsi_EntraAuthority",
    displayName: "Microsoft Entra ID authority",
    description:
      "https://login.microsoftonline.com/<tenant id>: the tenant the form scripts and the SCM Integration panel sign in to for the validation API.",
    type: "String",
    defaultValue: "https://login.microsoftonline.com/organizations",
  },
  {
    schemaName: "fsi_ValidationApiClientId",
    displayName: "Validation API sign-in client id",
    description:
      "Application (client) id of the single-page application registration the form scripts sign in with (not a secret).",
    type: "String",
    defaultValue: "00000000-0000-0000-0000-000000000000",
  },
  {
    schemaName: "fsi_ValidationApiScope",
    displayName: "Validation API scope",
    description:
      "The validation API's delegated scope the form scripts ask for: api://<application ID URI>/Validate.Records.",
    type: "String",
    defaultValue: "api://fsi-validation/Validate.Records",
  },
  {
    schemaName: "fsi_ScmUnavailablePolicy",
    displayName: "When SCM is unavailable",
    description:
      "block: refuse to save while Supply Chain Management cannot be asked; warn: save with a warning and let the server-side check decide.",
    type: "String",
    defaultValue: "block",
    allowedValues: ["block", "warn"],
  },
  {
    schemaName: "fsi_DefaultCompany",
    displayName: "Default company",
    description: "Company code (SCM data area id) new warehouses, assets, payment terms and ship-via modes start with.",
    type: "String",
    defaultValue: "usmf",
  },
  {
    schemaName: "fsi_NearbyRadiusKm",
    displayName: "Nearby warehouses radius (km)",
    description: "How far, in kilometres, the Nearby Warehouses control looks by default.",
    type: "Number",
    defaultValue: "25",
  },
];
