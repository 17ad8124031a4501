/**
 * Execution contexts as the Dataverse emulator serialises them (its real builder), for tests that
 * post a webhook themselves: the body Dataverse would send for a Create of a warehouse.
 */
import { randomUUID } from "node:crypto";
import { warehouse } from "@fsi/core/dataverse/tables";
import { buildRemoteExecutionContext } from "@fsi/sandbox/dataverse";
import { ADMIN } from "./environment";

export interface WarehouseCreate {
  readonly identifier: string;
  /** The warehouse's name: `msdyn_description` under Microsoft's naming (`msdyn_name` holds the id). */
  readonly name: string;
  readonly companyId: string;
  readonly siteId: string;
  /** 10 PreValidation (validate) or 40 PostOperation (sync-to-scm). */
  readonly stage: 10 | 40;
}

export function warehouseCreateContext(input: WarehouseCreate): Record<string, unknown> {
  const id = randomUUID();
  const attributes = {
    msdyn_warehouseid: id,
    msdyn_name: input.identifier,
    msdyn_description: input.name,
    msdyn_warehouseidentifier: input.identifier,
    msdyn_warehousetype: 192350002,
    msdyn_company: { id: input.companyId, logicalName: "cdm_company" },
    msdyn_operationalsite: { id: input.siteId, logicalName: "msdyn_operationalsite" },
    versionnumber: 1,
  };
  const entity = { table: warehouse, id, attributes, withFormattedValues: false };
  return buildRemoteExecutionContext({
    messageName: "Create",
    stage: input.stage,
    mode: 0,
    primaryEntityName: "msdyn_warehouse",
    primaryEntityId: id,
    target: { kind: "entity", entity },
    preImages: [],
    postImages: input.stage === 40 ? [["PostImage", { ...entity, withFormattedValues: true }]] : [],
    outputParameters: input.stage === 40 ? [["id", id]] : [],
    depth: 1,
    correlationId: randomUUID(),
    userId: ADMIN.id,
    initiatingUserId: ADMIN.id,
    businessUnitId: randomUUID(),
    organizationId: randomUUID(),
    organizationName: "contoso",
    operationId: randomUUID(),
    operationCreatedOn: new Date(),
    isInTransaction: true,
    owningExtension: { id: randomUUID(), name: "FSI sync-to-scm: Create of msdyn_warehouse" },
    parentContext: null,
  });
}
