/**
 * The inventory custom services (contracts in `core/scm/inventory-services.ts`): post an inventory
 * journal, create a sales order. A malformed request is 400 `InvalidRequest` naming each problem;
 * a document SCM refuses is 400 `ValidationFailed` with every violation in `Info.errors`.
 */
import {
  SCM_CREATE_SALES_ORDER_PATH,
  SCM_POST_INVENTORY_JOURNAL_PATH,
  createSalesOrderRequestSchema,
  formatZodError,
  postInventoryJournalRequestSchema,
} from "@fsi/core";
import { type Router, readJson, sendJson } from "../../http";
import { scmError } from "../errors";
import { type InventoryServiceDependencies, planJournalPosting } from "../inventory/journal-posting";
import { planSalesOrder } from "../inventory/sales-order";
import type { ScmWriter } from "../writes";

export interface InventoryServiceRoutesDependencies extends InventoryServiceDependencies {
  readonly prefix: string;
  readonly writer: ScmWriter;
  readonly defaultCompany: string;
  readonly bodyLimitBytes: number;
}

export function addInventoryServiceRoutes(router: Router, deps: InventoryServiceRoutesDependencies): void {
  const context = { defaultCompany: deps.defaultCompany };
  router.on(
    "POST",
    `${deps.prefix}${SCM_POST_INVENTORY_JOURNAL_PATH}`,
    async ({ req, res }) => {
      const parsed = postInventoryJournalRequestSchema.safeParse(
        await readJson(req, { limitBytes: deps.bodyLimitBytes }),
      );
      if (!parsed.success)
        throw scmError(400, "InvalidRequest", formatZodError(parsed.error, "FsiInventoryJournalService.post"));
      const request = parsed.data._request;
      const result = await deps.writer.runDocument(() => planJournalPosting(request, deps), context);
      sendJson(res, 200, result);
    },
    { exact: true },
  );
  router.on(
    "POST",
    `${deps.prefix}${SCM_CREATE_SALES_ORDER_PATH}`,
    async ({ req, res }) => {
      const parsed = createSalesOrderRequestSchema.safeParse(await readJson(req, { limitBytes: deps.bodyLimitBytes }));
      if (!parsed.success)
        throw scmError(400, "InvalidRequest", formatZodError(parsed.error, "FsiSalesOrderService.create"));
      const request = parsed.data._request;
      const result = await deps.writer.runDocument(() => planSalesOrder(request, deps), context);
      sendJson(res, 200, result);
    },
    { exact: true },
  );
}
