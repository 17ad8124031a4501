/**
 * Checks of a flow template against its flow and the table and entity definitions. Column pairs
 * get the same checks as the two-way maps (`checkColumnPair`); on top: a flow runs one way, keeps
 * its tables, leaves the engine's columns and fields alone, and maps each target once.
 */
import type { TableDefinition } from "../dataverse/schema";
import { tableByLogicalName } from "../dataverse/tables";
import { scmEntityByCollection } from "../scm/entities";
import type { ScmEntityDefinition } from "../scm/schema";
import { formatJsonPath } from "../validation/format-zod-error";
import { checkColumnPair, type Report } from "./column-pair-checks";
import type { FlowTemplate } from "./flow-template-schema";
import { flowContract, type FlowContract, type FlowLineContract, type ToDataverseFlowContract } from "./flows";
import type { TemplateProblem } from "./template-checks";
import type { ColumnPair } from "./template-schema";

export function checkFlowTemplate(template: FlowTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const report: Report = (path, message) => problems.push({ path, message });
  const contract = flowContract(template.name);
  const sides = resolveSides(template, contract, [], report);
  if (sides !== undefined) checkPairs(template.columns, ["columns"], sides, contract, report);
  if (contract.direction === "toDataverse") {
    if (template.lines !== undefined && template.lines.length > 0) {
      report(["lines"], `the ${contract.name} map has no lines; remove "lines"`);
    }
    checkRequiredColumns(template, contract, report);
  } else {
    checkLines(template, contract.lines, report);
  }
  if (template.mode === "live" && template.scheduleMinutes !== undefined) {
    report(["scheduleMinutes"], 'a schedule applies to batch mode only; set "mode": "batch" or remove it');
  }
  return problems;
}

interface Sides {
  readonly table: TableDefinition;
  readonly entity: ScmEntityDefinition;
  /** Targets the template may not map, with the reason; absent = anything the definitions allow. */
  readonly reserved: (target: string) => string | undefined;
}

function resolveSides(
  template: { readonly dataverseTable: string; readonly scmCollection: string },
  expected: { readonly dataverseTable: string; readonly scmCollection: string; readonly name?: string },
  at: readonly PropertyKey[],
  report: Report,
): Omit<Sides, "reserved"> | undefined {
  let ok = true;
  if (template.dataverseTable !== expected.dataverseTable) {
    report(
      [...at, "dataverseTable"],
      `this map works on ${expected.dataverseTable}; it cannot be changed to ${template.dataverseTable}`,
    );
    ok = false;
  }
  if (template.scmCollection !== expected.scmCollection) {
    report(
      [...at, "scmCollection"],
      `this map works on SCM ${expected.scmCollection}; it cannot be changed to ${template.scmCollection}`,
    );
    ok = false;
  }
  const table = tableByLogicalName(expected.dataverseTable);
  const entity = scmEntityByCollection(expected.scmCollection);
  if (!ok || table === undefined || entity === undefined) return undefined;
  return { table, entity };
}

function checkPairs(
  pairs: readonly ColumnPair[],
  at: readonly PropertyKey[],
  sides: Omit<Sides, "reserved">,
  contract: FlowContract,
  report: Report,
  line?: FlowLineContract,
): void {
  const targets = new Map<string, string>();
  pairs.forEach((pair, index) => {
    const path = [...at, index];
    checkColumnPair(pair, path, sides.table, sides.entity, report);
    const oneWay = contract.direction === "toDataverse" ? "SCM → Field Service" : "Field Service → SCM";
    if (pair.direction !== contract.direction) {
      report(
        [...path, "direction"],
        `the ${contract.name} map runs one way (${oneWay}); set "direction": "${contract.direction}"`,
      );
    }
    const target = contract.direction === "toDataverse" ? pair.dataverse : pair.scm;
    const reason = reservedReason(contract, target, line);
    if (reason !== undefined) report([...path, contract.direction === "toDataverse" ? "dataverse" : "scm"], reason);
    const earlier = targets.get(target);
    if (earlier !== undefined)
      report(
        [...path, contract.direction === "toDataverse" ? "dataverse" : "scm"],
        `${target} is already mapped in ${earlier}`,
      );
    else targets.set(target, formatJsonPath(path));
  });
}

function reservedReason(
  contract: FlowContract,
  target: string,
  line: FlowLineContract | undefined,
): string | undefined {
  if (contract.direction === "toDataverse") {
    if (contract.engineColumns.includes(target))
      return `${target} is written by the ${contract.name} flow itself; it cannot be mapped`;
    return undefined;
  }
  const mappable = line === undefined ? contract.mappableFields : line.mappableFields;
  const where = line === undefined ? contract.scmCollection : line.scmCollection;
  return mappable.includes(target)
    ? undefined
    : `SCM ${where}.${target} is set by the ${contract.name} flow or not taken by SCM's service; mappable fields: ${mappable.join(", ")}`;
}

function checkRequiredColumns(template: FlowTemplate, contract: ToDataverseFlowContract, report: Report): void {
  const mapped = new Set(template.columns.map((pair) => pair.dataverse));
  const required = contract.requiredColumns ?? [];
  if (required.length > 0 && !required.some((column) => mapped.has(column))) {
    report(["columns"], `the ${contract.name} map must map ${required.join(" or ")}`);
  }
  const journaled = contract.journaledColumns ?? {};
  template.columns.forEach((pair, index) => {
    if (!(pair.dataverse in journaled)) return;
    if (pair.valueMap !== undefined || pair.lookup !== undefined || pair.default?.toDataverse !== undefined) {
      report(
        ["columns", index],
        `${pair.dataverse} changes through inventory journals by the difference; it takes the SCM quantity as it is (no valueMap, lookup or default)`,
      );
    }
  });
}

function checkLines(template: FlowTemplate, contracts: readonly FlowLineContract[], report: Report): void {
  const lines = template.lines ?? [];
  const contract = flowContract(template.name);
  const seen = new Set<string>();
  lines.forEach((lineTemplate, index) => {
    const at = ["lines", index];
    const line = contracts.find((candidate) => candidate.dataverseTable === lineTemplate.dataverseTable);
    if (line === undefined) {
      report(
        [...at, "dataverseTable"],
        `the ${template.name} map's lines come from ${contracts.map((c) => c.dataverseTable).join(", ")}, not ${lineTemplate.dataverseTable}`,
      );
      return;
    }
    if (seen.has(line.dataverseTable)) {
      report([...at, "dataverseTable"], `the lines of ${line.dataverseTable} are already mapped`);
      return;
    }
    seen.add(line.dataverseTable);
    const sides = resolveSides(lineTemplate, line, at, report);
    if (sides !== undefined) checkPairs(lineTemplate.columns, [...at, "columns"], sides, contract, report, line);
  });
}
