/**
 * `POST /plugins/scm-events`: the host's one entrance for SCM's data events, as SCM's HTTPS endpoint
 * (a Dataverse webhook) posts them after SCM committed. Each event is recognised by its entity (the
 * virtual table the RemoteExecutionContext names, core/scm/data-events.ts): an entity the inventory
 * engine reads (on-hand, projects) goes to it, an entity of a two-way map to the SCM → Dataverse
 * handler, any other is refused (400 `UNMAPPED_TABLE`, naming what to activate). One key for all.
 */
import type { ScmDataChange } from "@fsi/core/scm/data-events";
import { type WebhookAuth, requireWebhookKey } from "../http-kit/auth/webhook-key";
import { parseJsonBody } from "../http-kit/body";
import { requireJsonContentType } from "../http-kit/content-type";
import { type HostRequest, type HostResponse, errorReply, jsonReply } from "../http-kit/exchange";
import { integrationHttpError } from "../integration/error-replies";
import { IntegrationError } from "../integration/errors";
import { type ScmRowIdMemory, parseScmDataEventWithIds } from "../integration/scm-data-event";
import type { InventoryEngine } from "../inventory/engine";
import { type PluginResult, type PluginServices, statusOf } from "../plugins/plugin";
import type { ScmToDataverseSync } from "../plugins/scm-to-dataverse";
import type { MapCatalog } from "../services/map-catalog";

export interface ScmEventsEntrance {
  /** How SCM's data event endpoint authenticates. */
  readonly auth: WebhookAuth;
  readonly bodyLimitBytes: number;
  /** The row GUIDs seen with keys (a keyless delete is resolved from them). */
  readonly rowIds: ScmRowIdMemory;
  readonly maps: MapCatalog;
  readonly inbound: ScmToDataverseSync;
  readonly inventory: InventoryEngine | undefined;
  servicesFor(eventId: string, request: HostRequest): PluginServices;
  /** Called after a two-way map's row arrived: changes waiting for it may run now. */
  rowsArrived(): Promise<void>;
}

export function scmEventsHandler(entrance: ScmEventsEntrance): (request: HostRequest) => Promise<HostResponse> {
  const { maps, inbound, inventory } = entrance;

  const toInventory = async (
    engine: InventoryEngine,
    change: ScmDataChange,
    services: PluginServices,
  ): Promise<HostResponse> => {
    let result: PluginResult;
    try {
      result = await engine.receiveScmEvent(change);
    } catch (error) {
      const httpError = integrationHttpError(error);
      services.log.warn(`scm-events (inventory): refused with ${httpError.status}`, {
        code: httpError.code,
        reason: httpError.message,
        entity: change.entity.collection,
      });
      return errorReply(httpError);
    }
    return jsonReply(statusOf(result), result);
  };

  const toTwoWayMap = async (change: ScmDataChange, services: PluginServices): Promise<HostResponse> => {
    try {
      const result = await inbound.receive(change, services);
      services.log.info(`scm-events: ${result.outcome}`, {
        detail: result.message,
        entity: change.entity.collection,
        operation: change.operation,
        key: change.key,
      });
      if (result.arrived.length > 0) await entrance.rowsArrived();
      const { arrived: _arrived, ...reply } = result;
      return jsonReply(statusOf(result), reply);
    } catch (error) {
      const httpError = integrationHttpError(error);
      services.log.warn(`scm-events: refused with ${httpError.status}`, {
        code: httpError.code,
        reason: httpError.message,
      });
      return errorReply(httpError);
    }
  };

  return async (request) => {
    requireWebhookKey(request, entrance.auth);
    requireJsonContentType(request);
    const change = await parseScmDataEventWithIds(
      parseJsonBody(await request.readBody(entrance.bodyLimitBytes), "SCM data event"),
      entrance.rowIds,
    );
    const services = entrance.servicesFor(change.eventId, request);
    const collection = change.entity.collection;
    if (inventory?.takesScmEventsOf(collection) === true) return toInventory(inventory, change, services);
    if (maps.forScmCollection(collection) === undefined) {
      const read = [...maps.maps.map((map) => map.scmCollection), ...(inventory?.scmEventCollections() ?? [])];
      throw new IntegrationError(
        "UNMAPPED_TABLE",
        `No map reads SCM entity ${collection}; activate data events only for ${read.join(", ")}.`,
      );
    }
    return toTwoWayMap(change, services);
  };
}
