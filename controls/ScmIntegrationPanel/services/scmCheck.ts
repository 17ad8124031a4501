/**
 * "Check against SCM": reads the saved record's mapped columns, overlays what the form shows in the
 * panel's own fields, and asks the validation API what SCM would say. Behind one small interface so
 * the component never sees `context.webAPI` or `fetch`.
 */
import type { IntegrationTableName } from "@fsi/core/dataverse/tables";
import type { AttributeValue, ValidationIssue, ValidationRequest } from "@fsi/core/validation/contract";
import { readEnvironmentVariables } from "../../shared/services/environmentVariables";
import { normalizeId } from "../../shared/services/ids";
import { queryString } from "../../shared/services/odata";
import {
  formattedValue,
  lookupValueColumn,
  stringColumn,
  type WebApiEntity,
  type WebApiReader,
} from "../../shared/services/webApi";
import type { MapSummary } from "@fsi/core/maps/summary";
import { scmMaps } from "./scmMaps";
import type { UncheckedReason, ValidationClient, ValidationEndpoint } from "./validationClient";

export const validationApiUrlVariable = "fsi_ValidationApiUrl";
/** The sign-in variables the form scripts read too (solution/components/environment-variables.ts). */
export const signInVariables = {
  authority: "fsi_EntraAuthority",
  clientId: "fsi_ValidationApiClientId",
  scope: "fsi_ValidationApiScope",
} as const;

/** Who is signed in and where: what the panel's sign-in needs from its context. */
export interface SignInSite {
  /** `context.userSettings.userId`: whose sign-in name is the login hint. */
  readonly userId: string;
  /** The org's `WebResources/fsi_/auth/redirect.html`, the SPA registration's redirect URI. */
  readonly redirectUri: string;
  /** False in the mobile app, which cannot open MSAL's popup window. */
  readonly canSignInInteractively: boolean;
}

export interface RecordToCheck {
  readonly table: IntegrationTableName;
  /** Null for a record not saved yet. */
  readonly id: string | null;
  /** The company the form shows (the record's `msdyn_company`), when the panel has it bound. */
  readonly companyId: string | null;
  /** Values the form shows in the panel's bound fields, which may be newer than the saved row. */
  readonly overrides: Readonly<Record<string, AttributeValue>>;
}

export interface LabelledIssue extends ValidationIssue {
  /** The column's display name, when the issue is about a column. */
  readonly label: string | null;
}

export type CheckOutcome =
  | {
      readonly kind: "checked";
      readonly valid: boolean;
      readonly errors: readonly LabelledIssue[];
      readonly warnings: readonly LabelledIssue[];
    }
  | { readonly kind: "unchecked"; readonly reason: UncheckedReason; readonly detail: string };

export interface ScmCheckService {
  check(record: RecordToCheck): Promise<CheckOutcome>;
  /**
   * Opens the sign-in popup for the validation API, after a check answered `signInRequired`. Call
   * it synchronously from the user's click (browsers block popups no gesture opened).
   */
  signIn(): Promise<void>;
}

/** Display names of a table's columns (the platform's `utils.getEntityMetadata`). */
export type ColumnLabels = (table: string, columns: readonly string[]) => Promise<Readonly<Record<string, string>>>;

const lookupTableSuffix = "@Microsoft.Dynamics.CRM.lookuplogicalname";

/** The saved row's mapped columns in the contract's shape: scalars, null, or `{ id, logicalName, name? }`. */
export function attributesOf(row: WebApiEntity, map: MapSummary): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const column of map.columns) {
    if (map.lookups.includes(column)) {
      const valueColumn = lookupValueColumn(column);
      const id = stringColumn(row, valueColumn);
      const logicalName = stringColumn(row, valueColumn + lookupTableSuffix);
      const name = formattedValue(row, valueColumn);
      attributes[column] = id && logicalName ? { id: normalizeId(id), logicalName, ...(name ? { name } : {}) } : null;
      continue;
    }
    const value = row[column];
    attributes[column] =
      typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : null;
  }
  return attributes;
}

function unchecked(reason: UncheckedReason, detail: string): CheckOutcome {
  return { kind: "unchecked", reason, detail };
}

export function createScmCheckService(
  webApi: WebApiReader,
  client: ValidationClient,
  columnLabels: ColumnLabels,
  site: SignInSite,
): ScmCheckService {
  const companyCodes = new Map<string, Promise<string | null>>();
  let lastEndpoint: ValidationEndpoint | undefined;
  let loginHint: Promise<string | undefined> | undefined;

  /** The user's sign-in name (`systemuser.domainname`, the Entra user principal name), read once. */
  const userName = () => {
    loginHint ??= webApi
      .retrieveRecord("systemuser", site.userId, queryString({ select: ["domainname"] }))
      .then((row) => stringColumn(row, "domainname") ?? undefined)
      .catch(() => undefined);
    return loginHint;
  };

  const companyCode = (companyId: string, map: MapSummary) => {
    const key = normalizeId(companyId);
    let code = companyCodes.get(key);
    if (!code) {
      code = webApi
        .retrieveRecord("cdm_company", companyId, queryString({ select: [map.companyKey] }))
        .then((row) => stringColumn(row, map.companyKey));
      companyCodes.set(key, code);
      // A failed read is not kept: the next check asks again.
      code.catch(() => companyCodes.delete(key));
    }
    return code;
  };

  const labelled = async (table: string, issues: readonly ValidationIssue[]): Promise<LabelledIssue[]> => {
    const columns = [...new Set(issues.flatMap((issue) => (issue.attribute ? [issue.attribute] : [])))];
    const labels =
      columns.length > 0 ? await columnLabels(table, columns).catch(() => ({}) as Record<string, string>) : {};
    return issues.map((issue) => ({
      ...issue,
      label: issue.attribute ? (labels[issue.attribute] ?? issue.attribute) : null,
    }));
  };

  return {
    async check(record) {
      if (!record.id) {
        return unchecked("notSaved", "The record has not been saved yet.");
      }
      const map = scmMaps[record.table];
      let settings: Readonly<Record<string, string | null>>;
      let row: WebApiEntity;
      try {
        settings = await readEnvironmentVariables(webApi, [
          validationApiUrlVariable,
          ...Object.values(signInVariables),
        ]);
        row = await webApi.retrieveRecord(
          record.table,
          record.id,
          queryString({
            select: [
              ...map.columns.map((column) => (map.lookups.includes(column) ? lookupValueColumn(column) : column)),
              lookupValueColumn(map.companyColumn),
            ],
          }),
        );
      } catch (error) {
        return unchecked("cannotRead", error instanceof Error ? error.message : String(error));
      }
      const url = settings[validationApiUrlVariable];
      if (!url) {
        return unchecked("notConfigured", `The environment variable ${validationApiUrlVariable} has no value.`);
      }
      const authority = settings[signInVariables.authority];
      const clientId = settings[signInVariables.clientId];
      const scope = settings[signInVariables.scope];
      if (!authority || !clientId || !scope) {
        return unchecked(
          "notConfigured",
          `The environment variables ${Object.values(signInVariables).join(", ")} need values.`,
        );
      }
      const companyId = record.companyId ?? stringColumn(row, lookupValueColumn(map.companyColumn));
      if (!companyId) {
        return unchecked("noCompany", "The record has no company.");
      }
      let company: string | null;
      try {
        company = await companyCode(companyId, map);
      } catch (error) {
        return unchecked("cannotRead", error instanceof Error ? error.message : String(error));
      }
      if (!company) {
        return unchecked("noCompany", "The record's company has no company code.");
      }
      const overrides = Object.fromEntries(
        Object.entries(record.overrides).filter(([column]) => map.columns.includes(column)),
      );
      const request: ValidationRequest = {
        table: record.table,
        operation: "update",
        id: normalizeId(record.id),
        company,
        attributes: { ...attributesOf(row, map), ...overrides },
      };
      const endpoint: ValidationEndpoint = {
        url,
        signIn: { authority, clientId, scope, redirectUri: site.redirectUri },
        loginHint: await userName(),
      };
      lastEndpoint = endpoint;
      const outcome = await client.validate(endpoint, request);
      if (outcome.kind === "unchecked") {
        if (outcome.reason === "signInRequired" && !site.canSignInInteractively) {
          return unchecked("signInUnavailable", outcome.detail);
        }
        return outcome;
      }
      const { response } = outcome;
      return {
        kind: "checked",
        valid: response.valid,
        errors: await labelled(record.table, response.errors),
        warnings: await labelled(record.table, response.warnings),
      };
    },
    signIn() {
      if (lastEndpoint === undefined)
        return Promise.reject(new Error("Check the record first: the sign-in settings are read then."));
      return client.signInInteractively(lastEndpoint);
    },
  };
}
