/**
 * Work orders (FS → SCM): a completed work order with a project becomes an SCM sales order
 * carrying the project id — its products in each item's sales unit, its services with their
 * duration in the service's unit of time. The customer is the service account's account number;
 * the company is the work order's (else the project's). The external reference `FS-WO-<id>` makes
 * it exactly once. The work order then records the sales order number (Sent), or the error
 * (Failed; completing it again after a correction sends it again).
 */
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import { isEntityReference } from "@fsi/core/dataverse/record";
import {
  WorkOrderScmOrderStatus,
  WorkOrderSystemStatus,
  account,
  project,
  workOrder,
  workOrderProduct,
  workOrderService,
} from "@fsi/core/dataverse/tables";
import { flowRecordToScm, flowScmLookups } from "@fsi/core/maps/flow-mapping";
import type { ColumnPair } from "@fsi/core/maps/template-schema";
import { releasedProducts, salesOrderHeaders, salesOrderLines } from "@fsi/core/scm/inventory-entities";
import type { CreateSalesOrderRequest, SalesOrderLine } from "@fsi/core/scm/inventory-services";
import type { ScmRow } from "@fsi/core/scm/schema";
import { ScmRejectedError, ScmUnavailableError } from "../../services/scm-client";
import type { ResolvedFlow } from "../templates/flow-catalog";
import { describeIssues, describeMissingKeys } from "./describe";
import { DocumentFailure, type DocumentOutcome, describeScmRefusal } from "./documents";
import type { FlowRuntime } from "./runtime";
import { UnitConversionError, convertToUnit, minutesToUnit } from "./units";

const HEADER_COLUMNS = [
  "msdyn_name",
  "msdyn_systemstatus",
  "fsi_project",
  "msdyn_serviceaccount",
  "msdyn_company",
  "fsi_scmorderstatus",
  "fsi_scmsalesordernumber",
];

interface SalesOrderDraft {
  readonly body: CreateSalesOrderRequest;
  readonly lineNames: readonly string[];
}

export class WorkOrderOrdersFlow {
  readonly table = workOrder;

  constructor(
    readonly flow: ResolvedFlow,
    readonly runtime: FlowRuntime,
  ) {}

  /** The Web API filter of work orders waiting to go to SCM. */
  pendingFilter(): string {
    return `msdyn_systemstatus eq ${WorkOrderSystemStatus.Completed} and _fsi_project_value ne null and fsi_scmorderstatus ne ${WorkOrderScmOrderStatus.Sent}`;
  }

  process(id: string): Promise<DocumentOutcome> {
    return this.send(id);
  }

  send(id: string): Promise<DocumentOutcome> {
    return this.runtime.rowLocks.run(`${this.flow.name}:${id.toLowerCase()}`, () => this.sendNow(id.toLowerCase()));
  }

  private async sendNow(id: string): Promise<DocumentOutcome> {
    const columns = [...new Set([...HEADER_COLUMNS, ...this.flow.map.columns.map((pair) => pair.dataverse)])];
    const order = await this.runtime.dataverse.retrieve(workOrder, id, columns);
    if (order === undefined) return { outcome: "skipped", message: `Work order ${id} no longer exists.` };
    if (order.msdyn_systemstatus !== WorkOrderSystemStatus.Completed)
      return { outcome: "skipped", message: `Work order ${id} is not completed.` };
    if (!isEntityReference(order.fsi_project))
      return { outcome: "skipped", message: `Work order ${id} has no project.` };
    if (order.fsi_scmorderstatus === WorkOrderScmOrderStatus.Sent)
      return {
        outcome: "skipped",
        message: `Work order ${id} is already SCM sales order ${typeof order.fsi_scmsalesordernumber === "string" ? order.fsi_scmsalesordernumber : ""}.`,
      };
    if (this.flow.filter !== undefined && !this.flow.filter.matches(order))
      return { outcome: "skipped", message: `The ${this.flow.name} map's filter leaves work order ${id} out.` };

    let draft: SalesOrderDraft;
    try {
      draft = await this.salesOrder(id, order);
    } catch (error) {
      if (error instanceof DocumentFailure || error instanceof UnitConversionError)
        return this.markFailed(id, error.message);
      if (error instanceof ScmRejectedError || error instanceof ScmUnavailableError)
        return this.markFailed(id, `Not sent: ${error.message}`);
      throw error;
    }
    try {
      const result = await this.runtime.scm.createSalesOrder(draft.body);
      await this.runtime.dataverse.update(workOrder, id, {
        fsi_scmorderstatus: WorkOrderScmOrderStatus.Sent,
        fsi_scmsalesordernumber: result.salesOrderNumber,
        fsi_scmorderedon: this.runtime.clock().toISOString(),
        fsi_scmordererror: null,
      });
      const message = `${result.alreadyCreated ? "already" : "sent as"} SCM sales order ${result.salesOrderNumber} (${result.lineCount} lines, project ${draft.body.ProjectId ?? ""})`;
      this.runtime.log.info(`${this.flow.name}: work order ${id} ${message}`);
      return { outcome: "changed", message: `Work order ${id} ${message}.` };
    } catch (error) {
      if (error instanceof ScmRejectedError) return this.markFailed(id, describeScmRefusal(error, draft.lineNames));
      if (error instanceof ScmUnavailableError) return this.markFailed(id, `Not sent: ${error.message}`);
      throw error;
    }
  }

  private async salesOrder(id: string, order: DataverseRecord): Promise<SalesOrderDraft> {
    const { dataverse, references } = this.runtime;
    const projectReference = order.fsi_project;
    if (!isEntityReference(projectReference)) throw new DocumentFailure("Not sent: the work order has no project.");
    const projectRow = await dataverse.retrieve(project, projectReference.id, ["fsi_projectnumber", "fsi_company"]);
    const projectNumber = projectRow?.fsi_projectnumber;
    if (typeof projectNumber !== "string")
      throw new DocumentFailure("Not sent: the work order's project no longer exists.");
    const companyReference = isEntityReference(order.msdyn_company) ? order.msdyn_company : projectRow?.fsi_company;
    const company = isEntityReference(companyReference) ? await references.companyCode(companyReference.id) : undefined;
    if (company === undefined)
      throw new DocumentFailure("Not sent: neither the work order nor its project names a company.");
    const customer = isEntityReference(order.msdyn_serviceaccount)
      ? await dataverse.retrieve(account, order.msdyn_serviceaccount.id, ["accountnumber"])
      : undefined;
    const customerAccount = customer?.accountnumber;
    if (typeof customerAccount !== "string" || customerAccount === "")
      throw new DocumentFailure("Not sent: the service account has no account number (SCM's customer account).");

    const header = await this.mapped(this.flow.map.columns, order, salesOrderHeaders, "the work order");
    const productPairs = this.linePairs(workOrderProduct.logicalName);
    const servicePairs = this.linePairs(workOrderService.logicalName);
    const products = await dataverse.all(
      workOrderProduct,
      [
        ...new Set([
          "msdyn_name",
          "msdyn_product",
          "msdyn_quantity",
          "msdyn_unit",
          ...productPairs.map((pair) => pair.dataverse),
        ]),
      ],
      {
        filter: `_msdyn_workorder_value eq ${id}`,
        orderBy: "versionnumber asc",
      },
    );
    const services = await dataverse.all(
      workOrderService,
      [...new Set(["msdyn_name", "msdyn_service", "msdyn_duration", ...servicePairs.map((pair) => pair.dataverse)])],
      {
        filter: `_msdyn_workorder_value eq ${id}`,
        orderBy: "versionnumber asc",
      },
    );

    const lines: SalesOrderLine[] = [];
    const lineNames: string[] = [];
    for (const line of products) {
      const quantity = line.record.msdyn_quantity;
      if (typeof quantity !== "number" || quantity === 0) continue;
      const what = nameOf(line.record, `product line ${lines.length + 1}`);
      const item = await this.item(line.record.msdyn_product, company, what);
      const unitId = isEntityReference(line.record.msdyn_unit) ? line.record.msdyn_unit.id : item.defaultUnitId;
      const salesQuantity =
        unitId === undefined
          ? quantity
          : await convertToUnit(quantity, unitId, item.salesUnit, references, `${what} (${item.number})`);
      const mapped = await this.mapped(productPairs, line.record, salesOrderLines, what);
      lines.push(salesLine(item.number, salesQuantity, item.salesUnit, mapped));
      lineNames.push(what);
    }
    for (const line of services) {
      const minutes = line.record.msdyn_duration;
      if (typeof minutes !== "number" || minutes === 0) continue;
      const what = nameOf(line.record, `service line ${lines.length + 1}`);
      const item = await this.item(line.record.msdyn_service, company, what);
      const mapped = await this.mapped(servicePairs, line.record, salesOrderLines, what);
      lines.push(
        salesLine(
          item.number,
          minutesToUnit(minutes, item.salesUnit, `${what} (${item.number})`),
          item.salesUnit,
          mapped,
        ),
      );
      lineNames.push(what);
    }
    if (lines.length === 0)
      throw new DocumentFailure("Not sent: the work order has no products or services with a quantity.");
    const text = (field: string, max: number) => {
      const value = header[field];
      return typeof value === "string" && value !== "" ? { [field]: value.slice(0, max) } : {};
    };
    return {
      lineNames,
      body: {
        dataAreaId: company,
        externalReference: `FS-WO-${id}`,
        CustomerAccount: customerAccount,
        ProjectId: projectNumber,
        ...text("CustomerRequisitionNumber", 100),
        ...text("Description", 60),
        lines,
      },
    };
  }

  private linePairs(table: string): readonly ColumnPair[] {
    return this.flow.map.lines?.find((lines) => lines.dataverseTable === table)?.columns ?? [];
  }

  private async mapped(
    pairs: readonly ColumnPair[],
    record: DataverseRecord,
    entity: typeof salesOrderHeaders,
    what: string,
  ): Promise<ScmRow> {
    const lookups = await this.runtime.references.answerScm(flowScmLookups(pairs, record));
    if (lookups.missing.length > 0)
      throw new DocumentFailure(`Not sent: ${what}: ${describeMissingKeys(lookups.missing)}.`);
    const mapped = flowRecordToScm(pairs, entity, record, lookups.answers);
    if (mapped.issues.length > 0) throw new DocumentFailure(`Not sent: ${what}: ${describeIssues(mapped.issues)}.`);
    return mapped.row;
  }

  private async item(
    reference: unknown,
    company: string,
    what: string,
  ): Promise<{ number: string; salesUnit: string; defaultUnitId: string | undefined }> {
    const product = isEntityReference(reference) ? await this.runtime.references.productById(reference.id) : undefined;
    if (product === undefined) throw new DocumentFailure(`Not sent: ${what} has no product with a Product ID.`);
    const item = await this.runtime.scm.getRow(releasedProducts, { dataAreaId: company, ItemNumber: product.number });
    if (item === undefined)
      throw new DocumentFailure(
        `Not sent: ${what}: item ${product.number} is not a released product of SCM company ${company}.`,
      );
    return { number: product.number, salesUnit: String(item.SalesUnitSymbol), defaultUnitId: product.defaultUnitId };
  }

  private async markFailed(id: string, message: string): Promise<DocumentOutcome> {
    this.runtime.log.warn(`${this.flow.name}: work order ${id} not sent`, { reason: message });
    await this.runtime.dataverse.update(workOrder, id, {
      fsi_scmorderstatus: WorkOrderScmOrderStatus.Failed,
      fsi_scmordererror: message.slice(0, 4000),
    });
    return { outcome: "failed", message };
  }
}

function nameOf(record: DataverseRecord, fallback: string): string {
  return typeof record.msdyn_name === "string" && record.msdyn_name !== "" ? record.msdyn_name : fallback;
}

function salesLine(itemNumber: string, quantity: number, unit: string, mapped: ScmRow): SalesOrderLine {
  const description = mapped.LineDescription;
  const warehouse = mapped.WarehouseId;
  return {
    ItemNumber: itemNumber,
    Quantity: quantity,
    SalesUnitSymbol: unit,
    ...(typeof warehouse === "string" && warehouse !== "" ? { WarehouseId: warehouse } : {}),
    ...(typeof description === "string" && description !== "" ? { LineDescription: description.slice(0, 60) } : {}),
  };
}
