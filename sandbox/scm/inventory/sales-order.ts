/**
 * `FsiSalesOrderService.create`: a sales order with its lines in one commit, carrying a project id
 * on the header and every line (SCM invoices it through the project). SCM's checks: the project
 * exists and is in process, each item is released and in its sales unit, a named warehouse
 * exists. Idempotent on the external reference.
 */
import {
  type CreateSalesOrderRequest,
  type CreateSalesOrderResponse,
  type ScmValidationFieldError,
  projects,
  releasedProducts,
  salesOrderHeaders,
  salesOrderLines,
  warehouses,
} from "@fsi/core";
import { nextSequenceValue } from "../store/database";
import { type DocumentPlan, type DocumentWrite, documentRefused } from "../writes";
import { type InventoryServiceDependencies, tableOf } from "./journal-posting";

export function planSalesOrder(
  request: CreateSalesOrderRequest,
  deps: InventoryServiceDependencies,
): DocumentPlan<CreateSalesOrderResponse> {
  const company = request.dataAreaId.toLowerCase();
  const earlier = tableOf(deps, salesOrderHeaders.collection).findBy(
    company,
    "FsiExternalReference",
    request.externalReference,
  );
  if (earlier !== undefined) {
    const salesOrderNumber = String(earlier.SalesOrderNumber);
    return {
      writes: [],
      result: {
        salesOrderNumber,
        alreadyCreated: true,
        lineCount: tableOf(deps, salesOrderLines.collection).countBy(company, "SalesOrderNumber", salesOrderNumber),
      },
    };
  }
  if (!deps.companies().includes(company)) {
    throw documentRefused([
      {
        field: "dataAreaId",
        code: "invalidValue",
        message: `Company '${company}' does not exist; the companies are ${deps.companies().join(", ")}.`,
      },
    ]);
  }
  const errors: ScmValidationFieldError[] = [];
  if (request.ProjectId !== undefined) {
    const project = tableOf(deps, projects.collection).find({ dataAreaId: company, ProjectId: request.ProjectId });
    if (project === undefined) {
      errors.push({
        field: "ProjectId",
        code: "referenceNotFound",
        message: `Project '${request.ProjectId}' does not exist in company '${company}'.`,
      });
    } else if (project.ProjectStage !== "InProcess") {
      errors.push({
        field: "ProjectId",
        code: "invalidValue",
        message: `Project '${request.ProjectId}' is ${String(project.ProjectStage)}; only projects in process take sales orders.`,
      });
    }
  }
  request.lines.forEach((line, index) => {
    const item = tableOf(deps, releasedProducts.collection).find({ dataAreaId: company, ItemNumber: line.ItemNumber });
    if (item === undefined) {
      errors.push({
        field: `lines[${index}].ItemNumber`,
        code: "referenceNotFound",
        message: `Item '${line.ItemNumber}' is not a released product of company '${company}'.`,
      });
    } else if (String(item.SalesUnitSymbol).toLowerCase() !== line.SalesUnitSymbol.toLowerCase()) {
      errors.push({
        field: `lines[${index}].SalesUnitSymbol`,
        code: "invalidValue",
        message: `Item '${line.ItemNumber}' sells in '${String(item.SalesUnitSymbol)}', not '${line.SalesUnitSymbol}'; convert the quantity to the sales unit.`,
      });
    }
    if (
      line.WarehouseId !== undefined &&
      line.WarehouseId !== "" &&
      tableOf(deps, warehouses.collection).find({ dataAreaId: company, WarehouseId: line.WarehouseId }) === undefined
    ) {
      errors.push({
        field: `lines[${index}].WarehouseId`,
        code: "referenceNotFound",
        message: `Warehouse '${line.WarehouseId}' does not exist in company '${company}'.`,
      });
    }
  });
  if (errors.length > 0) throw documentRefused(errors);

  const salesOrderNumber = `SO-${String(nextSequenceValue(deps.db, salesOrderHeaders.collection)).padStart(6, "0")}`;
  const header: DocumentWrite = {
    entity: salesOrderHeaders,
    operation: "create",
    source: "header",
    input: {
      dataAreaId: company,
      SalesOrderNumber: salesOrderNumber,
      CustomerAccount: request.CustomerAccount,
      ProjectId: request.ProjectId ?? "",
      CustomerRequisitionNumber: request.CustomerRequisitionNumber ?? "",
      Description: request.Description ?? "",
      FsiExternalReference: request.externalReference,
    },
  };
  const lines = request.lines.map(
    (line, index): DocumentWrite => ({
      entity: salesOrderLines,
      operation: "create",
      source: `lines[${index}]`,
      input: {
        dataAreaId: company,
        SalesOrderNumber: salesOrderNumber,
        LineNumber: String(index + 1),
        ItemNumber: line.ItemNumber,
        Quantity: line.Quantity,
        SalesUnitSymbol: line.SalesUnitSymbol,
        ProjectId: request.ProjectId ?? "",
        WarehouseId: line.WarehouseId ?? "",
        LineDescription: line.LineDescription ?? "",
      },
    }),
  );
  return { writes: [header, ...lines], result: { salesOrderNumber, alreadyCreated: false, lineCount: lines.length } };
}
