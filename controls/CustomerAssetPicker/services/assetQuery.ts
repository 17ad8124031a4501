/**
 * The asset search as one offline-safe Web API query. Offline the app cannot run `contains()` or
 * `startswith()` (docs/design.md §4), so "starts with" becomes a range: `name ge 'pump' and name lt
 * 'pumq'`, for the name, the asset tag and SCM's asset id, the way Dataverse's own lookups search
 * by default. The range is a superset (the upper bound stops at the last letter or digit typed);
 * `matchesTerm` keeps only true matches.
 */
import type { RowOf } from "@fsi/core/dataverse/schema";
import type { customerAsset } from "@fsi/core/dataverse/tables";
import {
  allOf,
  anyOf,
  compare,
  guidLiteral,
  numberLiteral,
  queryString,
  stringLiteral,
} from "../../shared/services/odata";
import { lookupValueColumn } from "../../shared/services/webApi";

type AssetColumn = keyof RowOf<typeof customerAsset>;

export const assetColumns = {
  id: "msdyn_customerassetid",
  name: "msdyn_name",
  assetTag: "msdyn_assettag",
  scmAssetId: "msdyn_maintenanceassetid",
  category: "msdyn_customerassetcategory",
  account: "msdyn_account",
  origin: "fsi_origin",
} as const satisfies Record<string, AssetColumn>;

const companyColumn = "msdyn_company" satisfies AssetColumn;
const stateColumn = "statecode" satisfies AssetColumn;

export const assetTable = "msdyn_customerasset";

/** The columns searched by prefix. */
export const searchedColumns = [assetColumns.name, assetColumns.assetTag, assetColumns.scmAssetId] as const;

export type AssetScope = "account" | "company";

export interface AssetSearch {
  /** What the user typed; blank lists the first assets by name. */
  readonly term: string;
  readonly scope: AssetScope;
  readonly accountId: string | null;
  readonly companyId: string | null;
  readonly top: number;
}

const alphanumeric = /[\p{L}\p{N}]/u;

/**
 * The smallest string above every string that starts with `prefix`, under Dataverse's case- and
 * accent-aware collation: the last letter or digit goes up by one ("pump" → "pumq"). A trailing
 * z or 9 carries ("az" → "b"), and anything after the last letter or digit is dropped first,
 * since punctuation does not sort by code point there. Null when no bound exists ("zz").
 */
export function prefixUpperBound(prefix: string): string | null {
  let head = prefix;
  while (head.length > 0) {
    const last = head.charAt(head.length - 1);
    head = head.slice(0, -1);
    if (!alphanumeric.test(last) || last === "z" || last === "Z" || last === "9") {
      continue;
    }
    return head + String.fromCharCode(last.charCodeAt(0) + 1);
  }
  return null;
}

/**
 * The spellings to range over. Online, Dataverse compares text without regard to case; the mobile
 * app's offline store is not documented to, so the typed text, lower case, upper case and a
 * capitalised form are each searched.
 */
export function caseVariants(term: string): string[] {
  const lower = term.toLocaleLowerCase();
  const capitalised = lower.charAt(0).toLocaleUpperCase() + lower.slice(1);
  return [...new Set([term, lower, term.toLocaleUpperCase(), capitalised])];
}

function prefixRange(column: string, prefix: string): string {
  const upper = prefixUpperBound(prefix);
  return allOf(
    compare(column, "ge", stringLiteral(prefix)),
    upper === null ? null : compare(column, "lt", stringLiteral(upper)),
  );
}

export function assetQuery(search: AssetSearch): { entityLogicalName: string; options: string } {
  const term = search.term.trim();
  const textFilter =
    term === ""
      ? null
      : anyOf(searchedColumns.flatMap((column) => caseVariants(term).map((variant) => prefixRange(column, variant))));
  const filter = allOf(
    compare(stateColumn, "eq", numberLiteral(0)),
    search.scope === "account" && search.accountId !== null
      ? compare(lookupValueColumn(assetColumns.account), "eq", guidLiteral(search.accountId))
      : null,
    search.companyId === null ? null : compare(lookupValueColumn(companyColumn), "eq", guidLiteral(search.companyId)),
    textFilter,
  );
  return {
    entityLogicalName: assetTable,
    options: queryString({
      select: [
        assetColumns.id,
        assetColumns.name,
        assetColumns.assetTag,
        assetColumns.scmAssetId,
        lookupValueColumn(assetColumns.category),
        lookupValueColumn(assetColumns.account),
        assetColumns.origin,
      ],
      filter,
      orderBy: [assetColumns.name],
      // One more than shown, to know whether there are more.
      top: search.top + 1,
    }),
  };
}

/** True when the name, tag or SCM id starts with the term, ignoring case. */
export function matchesTerm(values: readonly (string | null)[], term: string): boolean {
  const wanted = term.trim().toLocaleLowerCase();
  return wanted === "" || values.some((value) => value !== null && value.toLocaleLowerCase().startsWith(wanted));
}
