/// <reference types="xrm" />
/**
 * The row's company (dual-write's company lookup to `cdm_company`, named by the entity map): its SCM
 * code, the default on create, and the lock once saved (SCM keys every row by `dataAreaId`, so a
 * saved row never moves to another company).
 */
import type { IEntity } from "dataverse-ify";
import { systemUser } from "@fsi/core/dataverse/tables/field-service-tables";
import { cdmCompany } from "@fsi/core/dataverse/tables/integration-tables";
import { dataverseClient } from "./dataverse";
import type { MapSummary } from "@fsi/core/maps/summary";
import { bareGuid } from "./guid";

/** The company column the user's default company is in, on `systemuser` (dual-write's). */
const userCompanyColumn = "msdyn_company";

const codesById = new Map<string, Promise<string | undefined>>();

/** The SCM company code (`usmf`) of a `cdm_company` row, read once per page. */
export function companyCode(companyId: string, codeColumn: string): Promise<string | undefined> {
  const id = bareGuid(companyId);
  const known = codesById.get(id);
  if (known !== undefined) return known;
  const reading = (async () => {
    const row = await dataverseClient().retrieve<IEntity>(cdmCompany.logicalName, id, [codeColumn]);
    const code = row[codeColumn];
    return typeof code === "string" && code !== "" ? code.toLowerCase() : undefined;
  })();
  codesById.set(id, reading);
  // A failed read is not an answer: the next save asks again.
  reading.catch(() => codesById.delete(id));
  return reading;
}

/** The form's company lookup value, or undefined when it is empty (or not on the form). */
export function companyReference(formContext: Xrm.FormContext, map: MapSummary): Xrm.LookupValue | undefined {
  const attribute = formContext.getAttribute<Xrm.Attributes.LookupAttribute>(map.companyColumn);
  const value = attribute?.getValue();
  return value?.[0];
}

/** The company code of the form's row, read from its company lookup. */
export async function formCompanyCode(formContext: Xrm.FormContext, map: MapSummary): Promise<string | undefined> {
  const company = companyReference(formContext, map);
  return company === undefined ? undefined : companyCode(company.id, map.companyKey);
}

/** An OData string literal: quotes doubled. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

async function companyByCode(code: string, codeColumn: string): Promise<Xrm.LookupValue | undefined> {
  const query =
    `?$select=${cdmCompany.primaryIdAttribute},${cdmCompany.primaryNameAttribute},${codeColumn}` +
    `&$filter=${codeColumn} eq ${odataString(code)}`;
  const rows = await dataverseClient().retrieveMultiple<IEntity>(query, { logicalName: cdmCompany.logicalName });
  const row = rows.entities[0];
  const id = row?.[cdmCompany.primaryIdAttribute];
  if (row === undefined || typeof id !== "string") return undefined;
  codesById.set(bareGuid(id), Promise.resolve(code));
  const name = row[cdmCompany.primaryNameAttribute];
  return { id, name: typeof name === "string" ? name : code, entityType: cdmCompany.logicalName };
}

function referenceParts(value: unknown): { id: string; entityType?: unknown; name?: unknown } | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const reference = value as { id?: unknown; entityType?: unknown; name?: unknown };
  return typeof reference.id === "string" && reference.id !== "" ? { ...reference, id: reference.id } : undefined;
}

/** The signed-in user's default company: dual-write's company column on `systemuser`. */
async function userDefaultCompany(): Promise<Xrm.LookupValue | undefined> {
  const userId = bareGuid(Xrm.Utility.getGlobalContext().userSettings.userId);
  const user = await dataverseClient().retrieve<IEntity>(systemUser.logicalName, userId, [userCompanyColumn]);
  const company = referenceParts(user[userCompanyColumn]);
  if (company === undefined) return undefined;
  return {
    id: company.id,
    name: typeof company.name === "string" ? company.name : "",
    entityType: typeof company.entityType === "string" ? company.entityType : cdmCompany.logicalName,
  };
}

/**
 * The company a new row starts with: `fsi_DefaultCompany` when set and found, else the user's
 * default company.
 */
export async function defaultCompany(
  defaultCompanyCode: string | undefined,
  map: MapSummary,
): Promise<Xrm.LookupValue | undefined> {
  if (defaultCompanyCode !== undefined) {
    const configured = await companyByCode(defaultCompanyCode, map.companyKey);
    if (configured !== undefined) return configured;
  }
  return userDefaultCompany();
}

/** Disables every control of the company column. */
export function lockCompany(formContext: Xrm.FormContext, map: MapSummary): void {
  formContext.getAttribute(map.companyColumn)?.controls.forEach((control) => {
    control.setDisabled(true);
  });
}
