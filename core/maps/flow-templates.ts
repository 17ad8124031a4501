/**
 * The flow templates the toolkit ships (templates/on-hand.json, ...), checked when this module
 * loads, and the parser that checks a user's copy. A user's template replaces the built-in one of
 * the same name; a template that fails a check is refused with every problem and its JSON path.
 */
import inventoryAdjustments from "./templates/inventory-adjustments.json";
import inventoryTransfers from "./templates/inventory-transfers.json";
import onHand from "./templates/on-hand.json";
import projects from "./templates/projects.json";
import workOrderSalesOrders from "./templates/work-order-sales-orders.json";
import { formatJsonPath } from "../validation/format-zod-error";
import { checkFlowTemplate } from "./flow-template-checks";
import { flowTemplateSchema, type FlowMap, type FlowName } from "./flow-template-schema";
import { MapTemplateError, parseJsonDocument } from "./parse-template";

/**
 * Validates a flow template (JSON text or a parsed value): the schema (strict, so a misspelt
 * property is an error), then the checks against its flow and the definitions. Throws a
 * `MapTemplateError` (`INVALID_MAP_TEMPLATE`) naming `source` and each problem's path.
 */
export function parseFlowTemplate(json: unknown, source: string): FlowMap {
  const parsed = flowTemplateSchema.safeParse(parseJsonDocument(json, source));
  if (!parsed.success) {
    throw new MapTemplateError(
      source,
      parsed.error.issues.map((issue) => ({ path: formatJsonPath(issue.path), message: issue.message })),
    );
  }
  const problems = checkFlowTemplate(parsed.data);
  if (problems.length > 0) {
    throw new MapTemplateError(
      source,
      problems.map((problem) => ({ path: formatJsonPath(problem.path), message: problem.message })),
    );
  }
  return parsed.data as FlowMap;
}

export const builtInFlowMaps: readonly FlowMap[] = [
  parseFlowTemplate(onHand, "core/maps/templates/on-hand.json"),
  parseFlowTemplate(projects, "core/maps/templates/projects.json"),
  parseFlowTemplate(inventoryAdjustments, "core/maps/templates/inventory-adjustments.json"),
  parseFlowTemplate(inventoryTransfers, "core/maps/templates/inventory-transfers.json"),
  parseFlowTemplate(workOrderSalesOrders, "core/maps/templates/work-order-sales-orders.json"),
];

export function builtInFlowMap(name: FlowName): FlowMap {
  const map = builtInFlowMaps.find((candidate) => candidate.name === name);
  if (map === undefined) throw new Error(`no built-in flow template ${name}`);
  return map;
}
