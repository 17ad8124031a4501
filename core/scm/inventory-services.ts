/**
 * Contracts of the two SCM custom services the inventory integration calls (our X++ service group
 * `FsiIntegrationServices`, like the validation service). Each creates a whole document — header,
 * lines and, for journals, the posting that moves on-hand — in one transaction, so SCM never holds
 * half a journal, and each is idempotent on `externalReference`: a second call with the same key
 * in the same company writes nothing and answers the document made by the first.
 *
 * JSON custom services take the method's parameters by name (`{ "_request": <contract> }`; Learn,
 * "Custom service development"). A refusal answers 400 in F&O's service fault shape with every
 * violation in `Info.errors` (`field` is a path into the request: `lines[1].Quantity`).
 */
import { z } from "zod";
import { scmRuleViolationCodes } from "./validation-service";

export const SCM_POST_INVENTORY_JOURNAL_PATH = "/api/services/FsiIntegrationServices/FsiInventoryJournalService/post";
export const SCM_CREATE_SALES_ORDER_PATH = "/api/services/FsiIntegrationServices/FsiSalesOrderService/create";

const companyId = z.string().regex(/^[A-Za-z0-9]{1,4}$/, "must be a company id (1 to 4 letters or digits)");
/** `FS-ADJ-<guid>`: who sent the document and which record it is, at most 60 characters. */
const externalReference = z.string().min(1).max(60);
const text = (max: number) => z.string().max(max);
const quantity = z.number().refine((value) => value !== 0, { error: "must not be 0" });

export const inventoryJournalLineSchema = z.strictObject({
  ItemNumber: text(20).min(1),
  /** Movement: the warehouse; transfer: the warehouse the goods leave. */
  WarehouseId: text(10).min(1),
  /** Transfer only: the warehouse the goods go to. */
  ToWarehouseId: text(10).min(1).optional(),
  /** In the item's inventory unit; a movement's sign is the direction, a transfer's is positive. */
  Quantity: quantity,
  UnitSymbol: text(10).min(1),
  LineDescription: text(60).optional(),
});

export const postInventoryJournalRequestSchema = z.strictObject({
  _request: z.strictObject({
    dataAreaId: companyId,
    journalType: z.enum(["Movement", "Transfer"]),
    externalReference,
    description: text(60).optional(),
    lines: z.array(inventoryJournalLineSchema).min(1).max(1000),
  }),
});

export const postInventoryJournalResponseSchema = z.object({
  journalNumber: z.string(),
  /** True when an earlier call with the same external reference posted it. */
  alreadyPosted: z.boolean(),
  lineCount: z.number().int(),
});

export const salesOrderLineSchema = z.strictObject({
  ItemNumber: text(20).min(1),
  /** In the item's sales unit. */
  Quantity: quantity,
  SalesUnitSymbol: text(10).min(1),
  WarehouseId: text(10).optional(),
  LineDescription: text(60).optional(),
});

export const createSalesOrderRequestSchema = z.strictObject({
  _request: z.strictObject({
    dataAreaId: companyId,
    externalReference,
    CustomerAccount: text(20).min(1),
    /** Every line carries it too; SCM invoices the order through the project. */
    ProjectId: text(20).optional(),
    CustomerRequisitionNumber: text(100).optional(),
    Description: text(60).optional(),
    lines: z.array(salesOrderLineSchema).min(1).max(1000),
  }),
});

export const createSalesOrderResponseSchema = z.object({
  salesOrderNumber: z.string(),
  alreadyCreated: z.boolean(),
  lineCount: z.number().int(),
});

/** One violation of a refused document; `field` is a path into the request. */
export const scmDocumentErrorSchema = z.object({
  field: z.string(),
  code: z.enum(scmRuleViolationCodes),
  message: z.string(),
});

/** The service fault body of a refused document. */
export const scmDocumentFaultSchema = z.looseObject({
  Message: z.string(),
  Code: z.string().optional(),
  Info: z.looseObject({ errors: z.array(scmDocumentErrorSchema).optional() }).optional(),
});

export type InventoryJournalLine = z.infer<typeof inventoryJournalLineSchema>;
export type PostInventoryJournalRequest = z.infer<typeof postInventoryJournalRequestSchema>["_request"];
export type PostInventoryJournalResponse = z.infer<typeof postInventoryJournalResponseSchema>;
export type SalesOrderLine = z.infer<typeof salesOrderLineSchema>;
export type CreateSalesOrderRequest = z.infer<typeof createSalesOrderRequestSchema>["_request"];
export type CreateSalesOrderResponse = z.infer<typeof createSalesOrderResponseSchema>;
export type ScmDocumentError = z.infer<typeof scmDocumentErrorSchema>;
