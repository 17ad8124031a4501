/**
 * What each flow's engine owns, so a template can change everything else and nothing of this:
 * - SCM → FS flows write some Field Service columns themselves (keys, the company, computed
 *   quantities); a template may not map those.
 * - FS → SCM flows send a document to an SCM custom service whose contract fixes the structural
 *   fields (company, keys, item, quantity and unit in the item's unit); a template fills the
 *   descriptive fields the service takes.
 */
import { InventoryJournalType } from "../dataverse/tables/inventory-tables";
import type { FlowName } from "./flow-template-schema";

export interface FlowLineContract {
  readonly dataverseTable: string;
  /** The line's lookup to its header row. */
  readonly parentColumn: string;
  readonly scmCollection: string;
  /** SCM fields of the line a template may fill. */
  readonly mappableFields: readonly string[];
}

interface FlowContractBase {
  readonly name: FlowName;
  readonly dataverseTable: string;
  readonly scmCollection: string;
  readonly summary: string;
}

export interface ToDataverseFlowContract extends FlowContractBase {
  readonly direction: "toDataverse";
  /** Columns the engine writes itself; not mappable. */
  readonly engineColumns: readonly string[];
  /**
   * Quantity columns Field Service moves from its inventory journals: a pair to one of them becomes
   * a Manual journal of this type carrying the difference (the integration never writes them).
   */
  readonly journaledColumns?: Readonly<Record<string, number>>;
  /** At least one of these must be mapped. */
  readonly requiredColumns?: readonly string[];
}

export interface ToScmFlowContract extends FlowContractBase {
  readonly direction: "toScm";
  /** Header fields of the SCM document a template may fill. */
  readonly mappableFields: readonly string[];
  readonly lines: readonly FlowLineContract[];
}

export type FlowContract = ToDataverseFlowContract | ToScmFlowContract;

export const flowContracts: Readonly<Record<FlowName, FlowContract>> = {
  "on-hand": {
    name: "on-hand",
    direction: "toDataverse",
    summary: "SCM on-hand per item and warehouse → Field Service product inventory, through inventory journals",
    dataverseTable: "msdyn_productinventory",
    scmCollection: "InventoryOnHand",
    // Product and warehouse are the row's key (ItemNumber, WarehouseId + company); available is
    // on hand minus allocated, computed where the journals are applied.
    engineColumns: ["msdyn_product", "msdyn_warehouse", "msdyn_qtyavailable", "fsi_scmlastsyncedon"],
    journaledColumns: {
      msdyn_qtyonhand: InventoryJournalType.OnHand,
      msdyn_qtyallocated: InventoryJournalType.Allocated,
      msdyn_qtyonorder: InventoryJournalType.OnOrder,
    },
    requiredColumns: ["msdyn_qtyonhand"],
  },
  projects: {
    name: "projects",
    direction: "toDataverse",
    summary: "SCM projects → Field Service projects (fsi_project), selectable on work orders",
    dataverseTable: "fsi_project",
    scmCollection: "Projects",
    engineColumns: ["fsi_company", "fsi_projectnumber", "fsi_scmlastsyncedon"],
  },
  "inventory-adjustments": {
    name: "inventory-adjustments",
    direction: "toScm",
    summary: "posted Field Service inventory adjustments → SCM inventory movement journals",
    dataverseTable: "msdyn_inventoryadjustment",
    scmCollection: "InventoryMovementJournalHeaders",
    mappableFields: ["Description"],
    lines: [
      {
        dataverseTable: "msdyn_inventoryadjustmentproduct",
        parentColumn: "msdyn_inventoryadjustment",
        scmCollection: "InventoryMovementJournalLines",
        mappableFields: ["LineDescription"],
      },
    ],
  },
  "inventory-transfers": {
    name: "inventory-transfers",
    direction: "toScm",
    summary: "posted Field Service inventory transfers → SCM inventory transfer journals",
    dataverseTable: "msdyn_inventorytransfer",
    scmCollection: "InventoryTransferJournalHeaders",
    mappableFields: ["Description"],
    lines: [
      {
        dataverseTable: "msdyn_inventoryadjustmentproduct",
        parentColumn: "msdyn_inventorytransfer",
        scmCollection: "InventoryTransferJournalLines",
        mappableFields: ["LineDescription"],
      },
    ],
  },
  "work-order-sales-orders": {
    name: "work-order-sales-orders",
    direction: "toScm",
    summary: "completed Field Service work orders with a project → SCM sales orders carrying the project id",
    dataverseTable: "msdyn_workorder",
    scmCollection: "SalesOrderHeaders",
    mappableFields: ["CustomerRequisitionNumber", "Description"],
    lines: [
      {
        dataverseTable: "msdyn_workorderproduct",
        parentColumn: "msdyn_workorder",
        scmCollection: "SalesOrderLines",
        mappableFields: ["LineDescription", "WarehouseId"],
      },
      {
        dataverseTable: "msdyn_workorderservice",
        parentColumn: "msdyn_workorder",
        scmCollection: "SalesOrderLines",
        mappableFields: ["LineDescription"],
      },
    ],
  },
};

export function flowContract(name: FlowName): FlowContract {
  return flowContracts[name];
}
