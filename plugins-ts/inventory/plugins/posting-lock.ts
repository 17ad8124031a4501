/**
 * Posted adjustments and transfers are locked: a synchronous PreValidation step on their Create,
 * Update and Delete, and on Create, Update and Delete of their products, refuses
 * - any change to a posted record or its products (the SCM journal is posted; a correction is a
 *   new adjustment);
 * - a user's change while posting is under way (Post requested) — only the integration writes
 *   the result;
 * - a user setting what only the integration sets: Posted or Failed, the posting date, the SCM
 *   journal number or error;
 * - a new record already asking to be posted (it has no products yet).
 * The integration's own writes are known by the echo markers (`integration/echo.ts`).
 */
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import { isEntityReference } from "@fsi/core/dataverse/record";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { HEADER_LOCK_COLUMNS, LINE_LOCK_COLUMNS } from "@fsi/core/registration";
import {
  InventoryPostingStatus,
  inventoryAdjustment,
  inventoryAdjustmentProduct,
  inventoryTransfer,
} from "@fsi/core/dataverse/tables";
import { entityToRecord } from "../../context/entity-record";
import { preImageOf, targetOf } from "../../context/execution-context";
import { isSdkEntity } from "../../context/sdk-values";
import { IntegrationError } from "../../integration/errors";
import type { Plugin, PluginResult } from "../../plugins/plugin";
import type { PluginExecutionContext } from "../../context/execution-context";
import { type FlowRuntime, isIntegrationWrite } from "../flows/runtime";

const headers: readonly TableDefinition[] = [inventoryAdjustment, inventoryTransfer];
const INTEGRATION_COLUMNS = ["fsi_postedon", "fsi_scmjournalnumber", "fsi_scmpostingerror"] as const;

function refuse(message: string, attribute?: string): never {
  throw new IntegrationError("VALIDATION_FAILED", message, [
    { ...(attribute === undefined ? {} : { attribute }), code: "invalidValue", message },
  ]);
}

export class PostingLockPlugin implements Plugin<"inventory-posting-lock"> {
  readonly name = "inventory-posting-lock";

  constructor(private readonly runtime: FlowRuntime) {}

  async execute(context: PluginExecutionContext): Promise<PluginResult> {
    const header = headers.find((table) => table.logicalName === context.primaryEntityName);
    if (header !== undefined) return await this.checkHeader(context, header);
    if (context.primaryEntityName === inventoryAdjustmentProduct.logicalName) return this.checkLine(context);
    throw new IntegrationError(
      "UNSUPPORTED_MESSAGE",
      `The inventory-posting-lock plug-in does not run on ${context.primaryEntityName}.`,
    );
  }

  /**
   * A context trimmed for size (over 256 KB) has no Target and no images: the row as it stands
   * (committed, read by a request of our own) gives the pre-change values; the changes are unknown,
   * so only the rules that hold whatever the change is are applied.
   */
  private async committedRow(
    context: PluginExecutionContext,
    table: TableDefinition,
    columns: readonly string[],
  ): Promise<DataverseRecord> {
    if (!context.sizeExceeded || context.messageName === "Create") return {};
    return (await this.runtime.dataverse.retrieve(table, context.primaryEntityId, [...columns])) ?? {};
  }

  private async checkHeader(context: PluginExecutionContext, table: TableDefinition): Promise<PluginResult> {
    const target = targetOf(context);
    const changes = isSdkEntity(target) ? entityToRecord(target, table) : {};
    const preImage = preImageOf(context);
    const before =
      preImage === undefined
        ? await this.committedRow(context, table, HEADER_LOCK_COLUMNS)
        : entityToRecord(preImage, table);
    const status = statusOf(before);
    const what = table.displayName.toLowerCase();
    const integration = isIntegrationWrite(context, this.runtime.settings);
    if (context.messageName === "Create") {
      if (context.sizeExceeded)
        return { outcome: "valid", message: "A new record (context trimmed for size; its status could not be read)." };
      const requested = statusOf(changes);
      if (requested !== InventoryPostingStatus.Draft)
        refuse(`A new ${what} starts as Draft: add its products, then ask to post it.`, "fsi_postingstatus");
      return { outcome: "valid", message: "A draft." };
    }
    if (status === InventoryPostingStatus.Posted) {
      const journal =
        typeof before.fsi_scmjournalnumber === "string" ? ` as SCM journal ${before.fsi_scmjournalnumber}` : "";
      refuse(`This ${what} is posted${journal} and locked; correct it with a new ${what}.`);
    }
    if (context.messageName === "Delete") {
      if (status === InventoryPostingStatus.PostRequested)
        refuse(`This ${what} is being posted to SCM; it cannot be deleted now.`);
      return { outcome: "valid", message: "Not posted." };
    }
    if (integration) return { outcome: "valid", message: "The integration's own write." };
    if (status === InventoryPostingStatus.PostRequested)
      refuse(`This ${what} is being posted to SCM; wait for the result before changing it.`);
    const requested = changes.fsi_postingstatus;
    if (requested === InventoryPostingStatus.Posted || requested === InventoryPostingStatus.Failed) {
      refuse("Posted and Failed are set by the integration; set Post requested to post.", "fsi_postingstatus");
    }
    const integrationColumn = INTEGRATION_COLUMNS.find(
      (column) => column in changes && !(changes[column] === null && before[column] === undefined),
    );
    if (integrationColumn !== undefined) refuse(`${integrationColumn} is set by the integration.`, integrationColumn);
    return { outcome: "valid", message: "Not posted." };
  }

  private async checkLine(context: PluginExecutionContext): Promise<PluginResult> {
    const target = targetOf(context);
    const changes = isSdkEntity(target) ? entityToRecord(target, inventoryAdjustmentProduct) : {};
    const preImage = preImageOf(context);
    const before =
      preImage === undefined
        ? await this.committedRow(context, inventoryAdjustmentProduct, LINE_LOCK_COLUMNS)
        : entityToRecord(preImage, inventoryAdjustmentProduct);
    const parents = [
      { table: inventoryAdjustment, reference: changes.msdyn_inventoryadjustment },
      { table: inventoryAdjustment, reference: before.msdyn_inventoryadjustment },
      { table: inventoryTransfer, reference: changes.msdyn_inventorytransfer },
      { table: inventoryTransfer, reference: before.msdyn_inventorytransfer },
    ];
    for (const parent of parents) {
      if (!isEntityReference(parent.reference)) continue;
      const row = await this.runtime.dataverse.retrieve(parent.table, parent.reference.id, [...HEADER_LOCK_COLUMNS]);
      const status = row === undefined ? InventoryPostingStatus.Draft : statusOf(row);
      const what = parent.table.displayName.toLowerCase();
      if (status === InventoryPostingStatus.Posted)
        refuse(`Its ${what} is posted and locked; its products cannot change.`);
      if (status === InventoryPostingStatus.PostRequested)
        refuse(`Its ${what} is being posted to SCM; its products cannot change now.`);
    }
    return { outcome: "valid", message: "Its document is not posted." };
  }
}

function statusOf(record: Readonly<DataverseRecord>): number {
  const status = record.fsi_postingstatus;
  return typeof status === "number" ? status : InventoryPostingStatus.Draft;
}
