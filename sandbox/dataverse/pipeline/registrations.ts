/**
 * The steps registered for a message on a table, read from the registration rows
 * (`sdkmessageprocessingstep` → `sdkmessage`, `sdkmessagefilter`, `serviceendpoint`,
 * `sdkmessageprocessingstepimage`). A step without a message filter runs for every table, as in
 * Dataverse. Disabled steps (statecode 1) and endpoints that are not webhooks are skipped.
 */
import { createHash } from "node:crypto";
import {
  sdkMessage,
  sdkMessageFilter,
  ServiceEndpointContract,
  StepImageType,
  StepMode,
  StepStage,
  type TableDefinition,
} from "../../../core";
import { invalidArgument } from "../errors";
import type { Connection, DataverseStore } from "../storage/store";
import type { Row } from "../storage/values";

export type MessageName = "Create" | "Update" | "Delete";

export interface RegisteredImage {
  readonly alias: string;
  readonly imageType: number;
  /** Column names; empty means every column. */
  readonly attributes: readonly string[];
}

export interface RegisteredStep {
  readonly id: string;
  readonly name: string;
  readonly stage: number;
  readonly mode: number;
  readonly rank: number;
  readonly filteringAttributes: readonly string[];
  readonly asyncAutoDelete: boolean;
  readonly endpoint: { readonly id: string; readonly url: string; readonly authType: number | null; readonly authValue: string | null };
  readonly images: readonly RegisteredImage[];
}

function list(text: unknown): string[] {
  return typeof text === "string"
    ? text
        .split(",")
        .map((part) => part.trim().toLowerCase())
        .filter((part) => part !== "")
    : [];
}

export function loadSteps(store: DataverseStore, db: Connection, message: MessageName, table: string): RegisteredStep[] {
  const rows = store.all(
    db,
    `SELECT s.sdkmessageprocessingstepid AS id, s.name, s.stage, s.mode, s.rank, s.filteringattributes, s.asyncautodelete,
            e.serviceendpointid AS endpointid, e.url, e.authtype, e.authvalue
       FROM sdkmessageprocessingstep s
       JOIN sdkmessage m ON m.sdkmessageid = s._sdkmessageid_value
       JOIN serviceendpoint e ON e.serviceendpointid = s._eventhandler_value
       LEFT JOIN sdkmessagefilter f ON f.sdkmessagefilterid = s._sdkmessagefilterid_value
      WHERE m.name = ? AND (s._sdkmessagefilterid_value IS NULL OR f.primaryobjecttypecode = ?)
        AND COALESCE(s.statecode, 0) = 0 AND e.contract = ?
      ORDER BY s.stage, COALESCE(s.rank, 0), s.name, s.sdkmessageprocessingstepid`,
    [message, table, ServiceEndpointContract.Webhook],
  );
  return rows.map((row) => {
    const id = String(row.id);
    const images = store
      .all(db, `SELECT entityalias, imagetype, attributes FROM sdkmessageprocessingstepimage WHERE _sdkmessageprocessingstepid_value = ? ORDER BY entityalias`, [id])
      .map((image) => ({ alias: String(image.entityalias), imageType: Number(image.imagetype), attributes: list(image.attributes) }));
    return {
      id,
      name: String(row.name),
      stage: Number(row.stage),
      mode: Number(row.mode ?? StepMode.Synchronous),
      rank: Number(row.rank ?? 0),
      filteringAttributes: list(row.filteringattributes),
      asyncAutoDelete: row.asyncautodelete === 1,
      endpoint: {
        id: String(row.endpointid),
        url: String(row.url ?? ""),
        authType: typeof row.authtype === "number" ? row.authtype : null,
        authValue: typeof row.authvalue === "string" ? row.authvalue : null,
      },
      images,
    };
  });
}

/** An Update step with filtering attributes runs only when the request sets one of them. */
export function stepApplies(step: RegisteredStep, message: MessageName, target: Row): boolean {
  if (message !== "Update" || step.filteringAttributes.length === 0) return true;
  return step.filteringAttributes.some((attribute) => attribute in target);
}

export function wantsPreImage(image: RegisteredImage): boolean {
  return image.imageType === StepImageType.PreImage || image.imageType === StepImageType.Both;
}

export function wantsPostImage(image: RegisteredImage): boolean {
  return image.imageType === StepImageType.PostImage || image.imageType === StepImageType.Both;
}

/**
 * Dataverse refuses registrations it could never run: asynchronous steps only in PostOperation,
 * images only where the message has them.
 */
export function checkStepRegistration(row: Row): void {
  if (row.mode === StepMode.Asynchronous && row.stage !== undefined && row.stage !== StepStage.PostOperation) {
    throw invalidArgument("Asynchronous steps can be registered only in the PostOperation stage (40).");
  }
}

/** A stable id from a name, so seeded rows keep their ids across restarts of a file database. */
export function stableId(name: string): string {
  const hex = createHash("sha1").update(name).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Seeds `sdkmessage` Create/Update/Delete and one `sdkmessagefilter` per table and message. */
export function seedMessages(store: DataverseStore, tables: readonly TableDefinition[], now: string): void {
  for (const message of ["Create", "Update", "Delete"] as const) {
    const messageId = stableId(`sdkmessage:${message}`);
    if (store.getRow(store.writer, sdkMessage, messageId) === undefined) {
      store.insertRow(sdkMessage, { sdkmessageid: messageId, name: message, createdon: now, modifiedon: now, versionnumber: store.nextVersion(), statecode: 0, statuscode: 1 });
    }
    for (const table of tables) {
      const filterId = stableId(`sdkmessagefilter:${message}:${table.logicalName}`);
      if (store.getRow(store.writer, sdkMessageFilter, filterId) !== undefined) continue;
      store.insertRow(sdkMessageFilter, {
        sdkmessagefilterid: filterId,
        name: `${message} of ${table.logicalName}`,
        sdkmessageid: { id: messageId, logicalName: "sdkmessage" },
        primaryobjecttypecode: table.logicalName,
        secondaryobjecttypecode: "none",
        createdon: now,
        modifiedon: now,
        versionnumber: store.nextVersion(),
        statecode: 0,
        statuscode: 1,
      });
    }
  }
}
