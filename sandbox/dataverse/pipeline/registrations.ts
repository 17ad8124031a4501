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
} from "@fsi/core";
import { invalidArgument } from "../errors";
import type { Connection, DataverseStore } from "../storage/store";
import type { Row } from "../storage/values";

/** The messages of one row; Delete has no bulk version on standard tables (Learn, "Use bulk operation messages"). */
export type MessageName = "Create" | "Update" | "Delete";
export type BulkMessageName = "CreateMultiple" | "UpdateMultiple";
export type StepMessageName = MessageName | BulkMessageName;

/** The bulk message whose pipeline is merged with a single one (Create ⇄ CreateMultiple, Update ⇄ UpdateMultiple). */
export function bulkMessageOf(message: MessageName): BulkMessageName | undefined {
  return message === "Create" ? "CreateMultiple" : message === "Update" ? "UpdateMultiple" : undefined;
}

export interface RegisteredImage {
  readonly alias: string;
  readonly imageType: number;
  /** Column names; empty means every column. */
  readonly attributes: readonly string[];
}

export interface RegisteredStep {
  readonly id: string;
  /** The message the step is registered on; a bulk message's step gets every row of the operation at once. */
  readonly message: StepMessageName;
  readonly name: string;
  readonly stage: number;
  readonly mode: number;
  readonly rank: number;
  readonly filteringAttributes: readonly string[];
  readonly asyncAutoDelete: boolean;
  readonly endpoint: {
    readonly id: string;
    readonly url: string;
    readonly authType: number | null;
    readonly authValue: string | null;
  };
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

export function loadSteps(
  store: DataverseStore,
  db: Connection,
  message: StepMessageName,
  table: string,
): RegisteredStep[] {
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
      .all(
        db,
        `SELECT entityalias, imagetype, attributes FROM sdkmessageprocessingstepimage WHERE _sdkmessageprocessingstepid_value = ? ORDER BY entityalias`,
        [id],
      )
      .map((image) => ({
        alias: String(image.entityalias),
        imageType: Number(image.imagetype),
        attributes: list(image.attributes),
      }));
    return {
      id,
      message,
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

/**
 * The steps of one message on a table with the steps of its bulk message: Dataverse merges the two
 * pipelines (Learn, "Use bulk operation messages", Message pipelines merged), so a Create step runs
 * for each row of a CreateMultiple and a CreateMultiple step runs for a single Create (its Targets
 * holding that one row). Ordered as one pipeline: stage, rank, name.
 */
export function loadMergedSteps(
  store: DataverseStore,
  db: Connection,
  message: MessageName,
  table: string,
): RegisteredStep[] {
  const bulk = bulkMessageOf(message);
  const steps = loadSteps(store, db, message, table);
  if (bulk === undefined) return steps;
  const bulkSteps = loadSteps(store, db, bulk, table);
  if (bulkSteps.length === 0) return steps;
  return [...steps, ...bulkSteps].sort(
    (a, b) => a.stage - b.stage || a.rank - b.rank || compareText(a.name, b.name) || compareText(a.id, b.id),
  );
}

/** The tables `loadSteps` reads: a write to any of them may change the steps of any message. */
export const registrationTables: readonly string[] = [
  "sdkmessageprocessingstep",
  "sdkmessage",
  "sdkmessagefilter",
  "serviceendpoint",
  "sdkmessageprocessingstepimage",
];

/**
 * `loadMergedSteps` read once per message and table until a registration row changes: every write
 * runs its pipeline, and reading the registrations (two joined queries and their images) was a
 * fifth of a create's time in the emulator's profile. Dataverse also takes new registrations into
 * account from the next request on, which the store's generation gives here.
 */
export class StepCache {
  private readonly entries = new Map<
    string,
    { readonly generation: number; readonly steps: readonly RegisteredStep[] }
  >();

  constructor(private readonly store: DataverseStore) {}

  steps(message: MessageName, table: string): readonly RegisteredStep[] {
    const key = `${message}:${table}`;
    const generation = this.store.generation(registrationTables);
    const cached = this.entries.get(key);
    if (cached !== undefined && cached.generation === generation) return cached.steps;
    const steps = loadMergedSteps(this.store, this.store.reader, message, table);
    this.entries.set(key, { generation, steps });
    return steps;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isBulkStep(step: RegisteredStep): boolean {
  return step.message === "CreateMultiple" || step.message === "UpdateMultiple";
}

/**
 * An Update step with filtering attributes runs only when the request sets one of them; an
 * UpdateMultiple step runs when any row of its Targets sets one (Learn, "Write plug-ins for
 * CreateMultiple and UpdateMultiple", Attribute filters).
 */
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

/**
 * Seeds `sdkmessage` Create/Update/Delete and the bulk CreateMultiple/UpdateMultiple, and one
 * `sdkmessagefilter` per table and message: a client tests whether a table supports a bulk message
 * by looking for its filter (Learn, "Use bulk operation messages", Availability with standard
 * tables). Every table of the emulator supports them, as custom tables do.
 */
export function seedMessages(store: DataverseStore, tables: readonly TableDefinition[], now: string): void {
  for (const message of ["Create", "Update", "Delete", "CreateMultiple", "UpdateMultiple"] as const) {
    const messageId = stableId(`sdkmessage:${message}`);
    if (store.getRow(store.writer, sdkMessage, messageId) === undefined) {
      store.insertRow(sdkMessage, {
        sdkmessageid: messageId,
        name: message,
        createdon: now,
        modifiedon: now,
        versionnumber: store.nextVersion(),
        statecode: 0,
        statuscode: 1,
      });
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
