/**
 * The inventory plug-ins follow the plug-in model of `plugins/plugin.ts` (one class, one
 * `execute`), with one addition: the chain of operations the step runs inside
 * (`ParentContext` of the RemoteExecutionContext), which the quantity guard reads to let only the
 * journal step change quantities. The inventory host parses it; the plug-ins never see raw JSON.
 */
import { z } from "zod";
import type { InventoryHandlerName } from "../../../core/registration";
import type { PluginExecutionContext } from "../../context/execution-context";
import { parseExecutionContext } from "../../context/execution-context";
import type { PluginResult } from "../../plugins/plugin";

export interface ParentOperation {
  readonly messageName: string;
  readonly primaryEntityName: string;
}

export interface InventoryExecutionContext extends PluginExecutionContext {
  /** The operations this one runs inside, innermost first (empty for a user's own request). */
  readonly parentOperations: readonly ParentOperation[];
}

export type { InventoryHandlerName };

export interface InventoryPlugin {
  /** The webhook handler name: the last segment of `<prefix>/webhooks/<name>`. */
  readonly name: InventoryHandlerName;
  execute(context: InventoryExecutionContext): Promise<PluginResult>;
}

interface RawParent {
  readonly MessageName?: unknown;
  readonly PrimaryEntityName?: unknown;
  readonly ParentContext?: unknown;
}

const parentSchema = z.looseObject({ ParentContext: z.unknown().optional() });

/** Nested contexts deeper than Dataverse allows (depth 8) are not followed. */
const MAX_PARENTS = 16;

export function parseInventoryContext(json: unknown): InventoryExecutionContext {
  const context = parseExecutionContext(json);
  const parentOperations: ParentOperation[] = [];
  let parent = parentSchema.safeParse(json).data?.ParentContext as RawParent | null | undefined;
  while (typeof parent === "object" && parent !== null && parentOperations.length < MAX_PARENTS) {
    if (typeof parent.MessageName === "string" && typeof parent.PrimaryEntityName === "string") {
      parentOperations.push({ messageName: parent.MessageName, primaryEntityName: parent.PrimaryEntityName });
    }
    parent = parent.ParentContext as RawParent | null | undefined;
  }
  return { ...context, parentOperations };
}
