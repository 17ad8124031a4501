/**
 * Semantic checks of a map template against the Dataverse table definitions and the SCM entity
 * definitions: every name must exist, types must fit, value map entries and defaults must be
 * values the receiving side can store, and the keys must be the natural keys of both sides.
 */
import { type TableDefinition, tableColumn } from "../dataverse/schema";
import { tableByLogicalName } from "../dataverse/tables";
import { scmEntityByCollection } from "../scm/entities";
import { type ScmEntityDefinition, scmField } from "../scm/schema";
import { formatJsonPath } from "../validation/format-zod-error";
import { checkColumnPair, unknownColumn, unknownField, type Report } from "./column-pair-checks";
import { goesToScm, type MapTemplate } from "./template-schema";

export interface TemplateProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export function checkMapTemplate(template: MapTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const report: Report = (path, message) => problems.push({ path, message });
  const table = tableByLogicalName(template.dataverseTable);
  const entity = scmEntityByCollection(template.scmCollection);
  if (table === undefined) report(["dataverseTable"], `unknown Dataverse table ${template.dataverseTable}`);
  if (entity === undefined) report(["scmCollection"], `unknown SCM collection ${template.scmCollection}`);
  if (table === undefined || entity === undefined) return problems;

  checkCompany(template, table, entity, report);
  checkKeys(template, table, entity, report);
  checkDuplicates(template, report);
  template.columns.forEach((pair, index) => {
    checkColumnPair(pair, ["columns", index], table, entity, report);
  });
  return problems;
}

function checkCompany(template: MapTemplate, table: TableDefinition, entity: ScmEntityDefinition, report: Report) {
  const { company } = template;
  const column = tableColumn(table, company.dataverse);
  if (column?.type !== "lookup") {
    report(["company", "dataverse"], `${table.logicalName} has no company lookup column ${company.dataverse}`);
  } else {
    const companyTable = tableByLogicalName(column.targets[0] ?? "");
    const keyColumn = companyTable === undefined ? undefined : tableColumn(companyTable, company.key);
    if (companyTable === undefined || keyColumn?.type !== "string") {
      report(["company", "key"], `${column.targets.join(", ")} has no text column ${company.key}`);
    }
  }
  if (!entity.keys.includes(company.scm)) {
    report(
      ["company", "scm"],
      `${company.scm} is not a key field of SCM ${entity.collection} (keys: ${entity.keys.join(", ")})`,
    );
  }
}

function checkKeys(template: MapTemplate, table: TableDefinition, entity: ScmEntityDefinition, report: Report) {
  template.keys.forEach((key, index) => {
    const column = tableColumn(table, key.dataverse);
    if (column === undefined) report(["keys", index, "dataverse"], unknownColumn(table, key.dataverse));
    else if (column.type !== "string")
      report(["keys", index, "dataverse"], `key column ${key.dataverse} must be text, not ${column.type}`);
    const field = scmField(entity, key.scm);
    if (field === undefined) report(["keys", index, "scm"], unknownField(entity, key.scm));
    else if (!entity.keys.includes(key.scm))
      report(["keys", index, "scm"], `${key.scm} is not a key field of SCM ${entity.collection}`);
  });
  const scmKeys = new Set([template.company.scm, ...template.keys.map((key) => key.scm)]);
  const missing = entity.keys.filter((key) => !scmKeys.has(key));
  if (missing.length > 0)
    report(["keys"], `the keys must cover SCM ${entity.collection}'s key fields; missing ${missing.join(", ")}`);
  const dataverseKey = [template.company.dataverse, ...template.keys.map((key) => key.dataverse)].sort();
  const matches = table.alternateKeys.some((alternateKey) =>
    sameMembers([...alternateKey.columns].sort(), dataverseKey),
  );
  if (!matches) {
    report(
      ["keys"],
      `${dataverseKey.join(" + ")} is not an alternate key of ${table.logicalName}; rows could not be matched`,
    );
  }
}

function checkDuplicates(template: MapTemplate, report: Report) {
  const dataverse = new Map<string, string>([[template.company.dataverse, "company"]]);
  const scm = new Map<string, string>([[template.company.scm, "company"]]);
  const pairs: Array<{ path: PropertyKey[]; dataverse: string; scm: string; writesScm: boolean }> = [
    ...template.keys.map((key, index) => ({ path: ["keys", index], ...key, writesScm: true })),
    ...template.columns.map((pair, index) => ({
      path: ["columns", index],
      dataverse: pair.dataverse,
      scm: pair.scm,
      writesScm: goesToScm(pair.direction),
    })),
  ];
  for (const pair of pairs) {
    const where = formatJsonPath(pair.path);
    const earlierColumn = dataverse.get(pair.dataverse);
    if (earlierColumn !== undefined)
      report([...pair.path, "dataverse"], `${pair.dataverse} is already mapped in ${earlierColumn}`);
    else dataverse.set(pair.dataverse, where);
    // One SCM field may feed several Dataverse columns (Microsoft's warehouse map copies WAREHOUSEID
    // into msdyn_warehouseidentifier and msdyn_name); only two writers into one SCM field conflict.
    if (!pair.writesScm) continue;
    const earlierField = scm.get(pair.scm);
    if (earlierField !== undefined) report([...pair.path, "scm"], `${pair.scm} is already mapped in ${earlierField}`);
    else scm.set(pair.scm, where);
  }
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
