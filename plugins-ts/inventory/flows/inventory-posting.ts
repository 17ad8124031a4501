/**
 * Adjustments and transfers (FS → SCM): a Field Service adjustment or transfer whose user asked to
 * post it (`fsi_postingstatus` = Post requested) becomes an SCM inventory movement or transfer
 * journal, posted by SCM's journal service in one transaction:
 * - every line's quantity is converted to the item's inventory unit (`units.ts`);
 * - the warehouses give the company; a document may not span companies;
 * - the external reference `FS-ADJ-<id>` / `FS-TRF-<id>` makes it exactly once: SCM answers a
 *   repeat (a redelivered webhook, a second run) with the journal the first call posted;
 * - then the Field Service record is marked Posted with the journal number (and is locked from
 *   then on, `plugins/posting-lock.ts`), or Failed with SCM's error — still unposted, correctable.
 * SCM's posting moves SCM's on-hand, which the on-hand flow brings back into Field Service.
 */
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import { isEntityReference } from "@fsi/core/dataverse/record";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import {
  InventoryPostingStatus,
  inventoryAdjustment,
  inventoryAdjustmentProduct,
  inventoryTransfer,
} from "@fsi/core/dataverse/tables";
import { flowRecordToScm, flowScmLookups } from "@fsi/core/maps/flow-mapping";
import type { ToScmFlowContract } from "@fsi/core/maps/flows";
import { scmEntityByCollection } from "@fsi/core/scm/entities";
import { releasedProducts } from "@fsi/core/scm/inventory-entities";
import type { InventoryJournalLine, PostInventoryJournalRequest } from "@fsi/core/scm/inventory-services";
import type { ScmEntityDefinition } from "@fsi/core/scm/schema";
import { ScmRejectedError, ScmUnavailableError } from "../../services/scm-client";
import type { ResolvedFlow } from "../templates/flow-catalog";
import { describeIssues, describeMissingKeys } from "./describe";
import { DocumentFailure, describeScmRefusal, type DocumentOutcome } from "./documents";
import type { FlowRuntime } from "./runtime";
import { UnitConversionError, convertToUnit } from "./units";

interface Kind {
  readonly header: TableDefinition;
  readonly parentColumn: string;
  readonly journalType: "Movement" | "Transfer";
  readonly referencePrefix: string;
}

const kinds: Readonly<Record<"inventory-adjustments" | "inventory-transfers", Kind>> = {
  "inventory-adjustments": {
    header: inventoryAdjustment,
    parentColumn: "msdyn_inventoryadjustment",
    journalType: "Movement",
    referencePrefix: "FS-ADJ",
  },
  "inventory-transfers": {
    header: inventoryTransfer,
    parentColumn: "msdyn_inventorytransfer",
    journalType: "Transfer",
    referencePrefix: "FS-TRF",
  },
};

interface JournalRequest {
  readonly body: PostInventoryJournalRequest;
  /** The Field Service names of the journal's lines, in order (SCM's errors name lines by index). */
  readonly lineNames: readonly string[];
}

const LINE_COLUMNS = ["msdyn_name", "msdyn_product", "msdyn_warehouse", "msdyn_unit", "msdyn_quantity"];
const HEADER_COLUMNS = ["msdyn_name", "fsi_postingstatus", "fsi_scmjournalnumber", "versionnumber"];

export class InventoryPostingFlow {
  private readonly kind: Kind;
  private readonly contract: ToScmFlowContract;

  constructor(
    readonly flow: ResolvedFlow,
    readonly runtime: FlowRuntime,
  ) {
    if (flow.name !== "inventory-adjustments" && flow.name !== "inventory-transfers")
      throw new Error(`${flow.name} is not a posting flow`);
    if (flow.contract.direction !== "toScm") throw new Error("posting flows run Field Service → SCM");
    this.kind = kinds[flow.name];
    this.contract = flow.contract;
  }

  get table(): TableDefinition {
    return this.kind.header;
  }

  /** The Web API filter of records waiting to be posted. */
  pendingFilter(): string {
    return `fsi_postingstatus eq ${InventoryPostingStatus.PostRequested}`;
  }

  process(id: string): Promise<DocumentOutcome> {
    return this.post(id);
  }

  /** Posts the record if it waits to be posted; marks it Posted or Failed. */
  post(id: string): Promise<DocumentOutcome> {
    return this.runtime.rowLocks.run(`${this.flow.name}:${id.toLowerCase()}`, () => this.postNow(id.toLowerCase()));
  }

  private async postNow(id: string): Promise<DocumentOutcome> {
    const { dataverse } = this.runtime;
    const header = await dataverse.retrieve(this.kind.header, id, this.headerColumns());
    if (header === undefined)
      return { outcome: "skipped", message: `${this.kind.header.displayName} ${id} no longer exists.` };
    if (header.fsi_postingstatus !== InventoryPostingStatus.PostRequested) {
      return { outcome: "skipped", message: `${this.kind.header.displayName} ${id} is not waiting to be posted.` };
    }
    if (this.flow.filter !== undefined && !this.flow.filter.matches(header)) {
      return this.markFailed(
        id,
        `Not posted: the ${this.flow.name} map's filter (${this.flow.filter.text}) leaves this record out.`,
      );
    }
    let request: JournalRequest;
    try {
      request = await this.journalRequest(id, header);
    } catch (error) {
      if (error instanceof DocumentFailure || error instanceof UnitConversionError)
        return this.markFailed(id, error.message);
      if (error instanceof ScmRejectedError || error instanceof ScmUnavailableError)
        return this.markFailed(id, `Not posted: ${error.message}`);
      throw error;
    }
    let result: Awaited<ReturnType<FlowRuntime["scm"]["postInventoryJournal"]>>;
    try {
      result = await this.runtime.scm.postInventoryJournal(request.body);
    } catch (error) {
      if (error instanceof ScmRejectedError) return this.markFailed(id, describeScmRefusal(error, request.lineNames));
      if (error instanceof ScmUnavailableError)
        return this.markFailed(id, `Not posted: ${error.message}. Ask to post again when SCM is back.`);
      throw error;
    }
    await dataverse.update(this.kind.header, id, {
      fsi_postingstatus: InventoryPostingStatus.Posted,
      fsi_postedon: this.runtime.clock().toISOString(),
      fsi_scmjournalnumber: result.journalNumber,
      fsi_scmpostingerror: null,
    });
    const message = result.alreadyPosted
      ? `already posted as SCM journal ${result.journalNumber}`
      : `posted as SCM journal ${result.journalNumber} (${result.lineCount} lines)`;
    this.runtime.log.info(`${this.flow.name}: ${id} ${message}`);
    return { outcome: "changed", message: `${this.kind.header.displayName} ${id} ${message}.` };
  }

  private headerColumns(): string[] {
    const mapped = this.flow.map.columns.map((pair) => pair.dataverse);
    const warehouses =
      this.kind.journalType === "Transfer" ? ["msdyn_sourcewarehouse", "msdyn_destinationwarehouse"] : [];
    return [...new Set([...HEADER_COLUMNS, ...warehouses, ...mapped])];
  }

  private async journalRequest(id: string, header: DataverseRecord): Promise<JournalRequest> {
    const { dataverse, references, scm } = this.runtime;
    const lineTemplate = this.flow.map.lines?.find(
      (lines) => lines.dataverseTable === inventoryAdjustmentProduct.logicalName,
    );
    const linePairs = lineTemplate?.columns ?? [];
    const lineColumns = [...new Set([...LINE_COLUMNS, ...linePairs.map((pair) => pair.dataverse)])];
    const lines = await dataverse.all(inventoryAdjustmentProduct, lineColumns, {
      filter: `_${this.kind.parentColumn}_value eq ${id}`,
      orderBy: "versionnumber asc",
    });
    const quantified = lines.filter(
      (line) => typeof line.record.msdyn_quantity === "number" && line.record.msdyn_quantity !== 0,
    );
    const lineNames = quantified.map((line, index) =>
      typeof line.record.msdyn_name === "string" && line.record.msdyn_name !== ""
        ? line.record.msdyn_name
        : `line ${index + 1}`,
    );
    if (quantified.length === 0) throw new DocumentFailure("Not posted: it has no products with a quantity.");

    const headerEntity = this.entity(this.contract.scmCollection);
    const headerLookups = await references.answerScm(flowScmLookups(this.flow.map.columns, header));
    if (headerLookups.missing.length > 0)
      throw new DocumentFailure(`Not posted: ${describeMissingKeys(headerLookups.missing)}.`);
    const mappedHeader = flowRecordToScm(this.flow.map.columns, headerEntity, header, headerLookups.answers);
    if (mappedHeader.issues.length > 0)
      throw new DocumentFailure(`Not posted: ${describeIssues(mappedHeader.issues)}.`);

    const transfer = this.kind.journalType === "Transfer";
    const from = transfer ? await this.warehouse(header.msdyn_sourcewarehouse, "the source warehouse") : undefined;
    const to = transfer
      ? await this.warehouse(header.msdyn_destinationwarehouse, "the destination warehouse")
      : undefined;
    const companies = new Set<string>();
    if (from !== undefined) companies.add(from.companyCode);
    if (to !== undefined) companies.add(to.companyCode);

    const lineEntity = this.entity(this.contract.lines[0]?.scmCollection ?? "");
    const journalLines: InventoryJournalLine[] = [];
    const inventoryUnits = new Map<string, string>();
    for (const [index, line] of quantified.entries()) {
      const what = lineNames[index] ?? `line ${index + 1}`;
      const productReference = line.record.msdyn_product;
      const productInfo = isEntityReference(productReference)
        ? await references.productById(productReference.id)
        : undefined;
      if (productInfo === undefined) throw new DocumentFailure(`Not posted: ${what} has no product with a Product ID.`);
      const warehouse = transfer ? from : await this.warehouse(line.record.msdyn_warehouse, `the warehouse of ${what}`);
      if (warehouse === undefined) throw new DocumentFailure(`Not posted: ${what} has no warehouse.`);
      companies.add(warehouse.companyCode);
      const company = warehouse.companyCode;
      const unitKey = `${company}|${productInfo.number.toLowerCase()}`;
      let inventoryUnit = inventoryUnits.get(unitKey);
      if (inventoryUnit === undefined) {
        const item = await scm.getRow(releasedProducts, { dataAreaId: company, ItemNumber: productInfo.number });
        if (item === undefined)
          throw new DocumentFailure(
            `Not posted: ${what}: item ${productInfo.number} is not a released product of SCM company ${company}.`,
          );
        inventoryUnit = String(item.InventoryUnitSymbol);
        inventoryUnits.set(unitKey, inventoryUnit);
      }
      const unit = line.record.msdyn_unit;
      if (!isEntityReference(unit)) throw new DocumentFailure(`Not posted: ${what} has no unit.`);
      const quantity = await convertToUnit(
        Number(line.record.msdyn_quantity),
        unit.id,
        inventoryUnit,
        references,
        `${what} (${productInfo.number})`,
      );
      const lookups = await references.answerScm(flowScmLookups(linePairs, line.record));
      if (lookups.missing.length > 0)
        throw new DocumentFailure(`Not posted: ${what}: ${describeMissingKeys(lookups.missing)}.`);
      const mapped = flowRecordToScm(linePairs, lineEntity, line.record, lookups.answers);
      if (mapped.issues.length > 0) throw new DocumentFailure(`Not posted: ${what}: ${describeIssues(mapped.issues)}.`);
      const description = mapped.row.LineDescription;
      journalLines.push({
        ItemNumber: productInfo.number,
        WarehouseId: warehouse.identifier,
        ...(to === undefined ? {} : { ToWarehouseId: to.identifier }),
        Quantity: quantity,
        UnitSymbol: inventoryUnit,
        ...(typeof description === "string" && description !== "" ? { LineDescription: description.slice(0, 60) } : {}),
      });
    }
    if (companies.size !== 1)
      throw new DocumentFailure(
        `Not posted: its warehouses belong to different companies (${[...companies].join(", ")}); an SCM journal belongs to one.`,
      );
    const description = mappedHeader.row.Description;
    return {
      lineNames,
      body: {
        dataAreaId: [...companies][0] ?? "",
        journalType: this.kind.journalType,
        externalReference: `${this.kind.referencePrefix}-${id}`,
        ...(typeof description === "string" && description !== "" ? { description: description.slice(0, 60) } : {}),
        lines: journalLines,
      },
    };
  }

  private async warehouse(value: unknown, what: string): Promise<{ identifier: string; companyCode: string }> {
    if (!isEntityReference(value)) throw new DocumentFailure(`Not posted: ${what} is not set.`);
    const found = await this.runtime.references.warehouseById(value.id);
    if (found?.companyCode === undefined)
      throw new DocumentFailure(`Not posted: ${what} has no identifier or company.`);
    return { identifier: found.identifier, companyCode: found.companyCode };
  }

  private entity(collection: string): ScmEntityDefinition {
    const entity = scmEntityByCollection(collection);
    if (entity === undefined) throw new Error(`core has no SCM entity ${collection}`);
    return entity;
  }

  private async markFailed(id: string, message: string): Promise<DocumentOutcome> {
    this.runtime.log.warn(`${this.flow.name}: ${id} not posted`, { reason: message });
    await this.runtime.dataverse.update(this.kind.header, id, {
      fsi_postingstatus: InventoryPostingStatus.Failed,
      fsi_scmpostingerror: message.slice(0, 4000),
    });
    return { outcome: "failed", message };
  }
}
