/**
 * The event pipeline of one create, update or delete (Learn, "Event framework"):
 * PreValidation (10) outside the database transaction, then PreOperation (20), the main operation
 * (30) and PostOperation (40) inside it; asynchronous PostOperation steps after the commit.
 * A synchronous step that fails cancels the operation; inside the transaction that rolls it back.
 */
import { randomUUID } from "node:crypto";
import { StepMode, StepStage, type TableDefinition } from "../../../core";
import { concurrencyMismatch, depthExceeded, duplicateId, entityNotFound, invalidArgument, keyNotFound, webhookFailed } from "../errors";
import type { RowAddress } from "../keys";
import { etagOf, readableColumns } from "../serialize";
import type { Connection, DataverseStore } from "../storage/store";
import type { Row } from "../storage/values";
import { validateChanges } from "../validation";
import type { AsyncJobRunner } from "./async-jobs";
import { deleteRow, insertRow, platformColumnsOnCreate, platformColumnsOnUpdate, updateRow } from "./core-operations";
import {
  buildRemoteExecutionContext,
  EMPTY_GUID,
  type EntityInput,
  type RemoteExecutionContext,
  type TargetInput,
} from "./execution-context";
import {
  checkStepRegistration,
  loadSteps,
  stepApplies,
  wantsPostImage,
  wantsPreImage,
  type MessageName,
  type RegisteredImage,
  type RegisteredStep,
} from "./registrations";
import type { TransactionGate, TransactionScope } from "./transactions";
import { postToWebhook } from "./webhook-client";

export interface Caller {
  readonly userId: string;
  readonly initiatingUserId: string;
  readonly correlationId: string;
  readonly depth: number;
  /** Set when a webhook handler calls back inside its operation's open transaction. */
  readonly scope: TransactionScope | undefined;
  readonly parentContext: RemoteExecutionContext | null;
  /** The host the client called, sent as `x-ms-dynamics-organization`. */
  readonly organizationDomain: string;
  /**
   * The request's Web API `tag` parameter, which Dataverse copies into SharedVariables["tag"] of
   * every plug-in the operation runs (Learn, "Add a shared variable to the plugin execution context").
   */
  readonly tag: string | undefined;
}

export type WriteRequest =
  | { readonly kind: "create"; readonly table: TableDefinition; readonly changes: Row }
  | {
      readonly kind: "update";
      readonly table: TableDefinition;
      readonly address: RowAddress;
      readonly changes: Row;
      readonly ifMatch: string | undefined;
      readonly ifNoneMatch: string | undefined;
      /** PATCH creates a missing row (upsert) unless `If-Match` says it must exist. */
      readonly upsert: boolean;
    }
  | { readonly kind: "delete"; readonly table: TableDefinition; readonly address: RowAddress; readonly ifMatch: string | undefined };

export interface WriteResult {
  readonly id: string;
  readonly created: boolean;
  readonly row: Row | undefined;
}

export interface PipelineSettings {
  readonly organizationId: string;
  readonly organizationName: string;
  readonly businessUnitId: string;
  readonly maxDepth: number;
  readonly webhookTimeoutMs: () => number;
  readonly clock: () => Date;
}

interface Plan {
  readonly message: MessageName;
  readonly table: TableDefinition;
  readonly id: string;
  /** A create whose id the client chose (otherwise PreValidation/PreOperation see an empty id). */
  readonly idSupplied: boolean;
  readonly changes: Row;
  readonly current: Row | undefined;
  readonly keyAttributes: Readonly<Record<string, string | number>> | undefined;
  readonly operationId: string;
  readonly now: Date;
}

export class PipelineEngine {
  constructor(
    private readonly store: DataverseStore,
    private readonly gate: TransactionGate,
    private readonly jobs: AsyncJobRunner,
    private readonly settings: PipelineSettings,
  ) {}

  async execute(request: WriteRequest, caller: Caller): Promise<WriteResult> {
    const scope = caller.scope;
    if (scope !== undefined) {
      return this.gate.nested(scope, caller.depth, () => this.runInTransaction(request, caller, scope, false));
    }
    const early = this.plan(request, this.store.reader);
    await this.runSyncStage(early, loadSteps(this.store, this.store.reader, early.message, early.table.logicalName), StepStage.PreValidation, caller, undefined, undefined);
    return this.gate.transaction(caller.correlationId, (opened) => this.runInTransaction(request, caller, opened, true));
  }

  private async runInTransaction(request: WriteRequest, caller: Caller, scope: TransactionScope, preValidated: boolean): Promise<WriteResult> {
    const plan = this.plan(request, this.store.writer);
    const steps = loadSteps(this.store, this.store.writer, plan.message, plan.table.logicalName);
    if (!preValidated) await this.runSyncStage(plan, steps, StepStage.PreValidation, caller, scope, undefined);
    await this.runSyncStage(plan, steps, StepStage.PreOperation, caller, scope, undefined);
    const after = this.mainOperation(plan);
    await this.runSyncStage(plan, steps, StepStage.PostOperation, caller, scope, after);
    this.queueAsyncSteps(plan, steps, caller, scope, after);
    return { id: plan.id, created: plan.message === "Create", row: after };
  }

  private plan(request: WriteRequest, db: Connection): Plan {
    const { table } = request;
    const base = { table, operationId: randomUUID(), now: this.settings.clock() };
    if (request.kind === "create") {
      const supplied = request.changes[table.primaryIdAttribute];
      const id = typeof supplied === "string" ? supplied : randomUUID();
      if (typeof supplied === "string" && this.store.getRow(db, table, id) !== undefined) throw duplicateId();
      validateChanges(table, request.changes, "create");
      this.checkRegistration(table, request.changes);
      return { ...base, message: "Create", id, idSupplied: typeof supplied === "string", changes: request.changes, current: undefined, keyAttributes: undefined };
    }
    const address = request.address;
    const id = address.kind === "id" ? address.id : this.store.findId(db, table, address.columns);
    const current = id === undefined ? undefined : this.store.getRow(db, table, id);
    const keyAttributes = address.kind === "key" ? keyAttributesOf(address.columns) : undefined;
    if (request.kind === "delete") {
      if (current === undefined || id === undefined) throw address.kind === "id" ? entityNotFound(table.logicalName, address.id) : keyNotFound(table.logicalName);
      checkIfMatch(request.ifMatch, current);
      return { ...base, message: "Delete", id, idSupplied: true, changes: {}, current, keyAttributes };
    }
    const { [table.primaryIdAttribute]: bodyId, ...changes } = request.changes;
    if (current !== undefined && id !== undefined) {
      if (request.ifNoneMatch === "*") throw duplicateId();
      checkIfMatch(request.ifMatch, current);
      if (typeof bodyId === "string" && bodyId !== id) {
        throw invalidArgument(`The body's ${table.primaryIdAttribute} '${bodyId}' does not match the row addressed by the URL.`);
      }
      validateChanges(table, changes, "update", current);
      this.checkRegistration(table, { ...current, ...changes });
      return { ...base, message: "Update", id, idSupplied: true, changes, current, keyAttributes };
    }
    if (!request.upsert || request.ifMatch !== undefined) {
      throw address.kind === "id" ? entityNotFound(table.logicalName, address.id) : keyNotFound(table.logicalName);
    }
    // Upsert of a missing row: a Create, with the key's values (or the URL's id) on the new row.
    const created: Row = { ...changes, ...(address.kind === "key" ? this.keyColumnsAsRow(table, address.columns, db) : {}) };
    const newId = address.kind === "id" ? address.id : typeof bodyId === "string" ? bodyId : randomUUID();
    created[table.primaryIdAttribute] = newId;
    validateChanges(table, created, "create");
    this.checkRegistration(table, created);
    return { ...base, message: "Create", id: newId, idSupplied: true, changes: created, current: undefined, keyAttributes };
  }

  private keyColumnsAsRow(table: TableDefinition, columns: Readonly<Record<string, string | number | null>>, db: Connection): Row {
    const row: Row = {};
    for (const [physical, value] of Object.entries(columns)) {
      const lookup = /^_(.+)_value$/.exec(physical)?.[1];
      const column = lookup === undefined ? undefined : table.columns[lookup];
      if (lookup !== undefined && column?.type === "lookup" && typeof value === "string") {
        const targetName = column.targets[0] ?? "";
        const target = this.store.tables.find((candidate) => candidate.logicalName === targetName);
        if (target === undefined || this.store.getRow(db, target, value) === undefined) throw entityNotFound(targetName, value);
        row[lookup] = { id: value, logicalName: targetName };
      } else {
        row[physical] = value;
      }
    }
    return row;
  }

  private checkRegistration(table: TableDefinition, row: Row): void {
    if (table.logicalName === "sdkmessageprocessingstep") checkStepRegistration(row);
  }

  private mainOperation(plan: Plan): Row | undefined {
    const version = this.store.nextVersion();
    if (plan.message === "Create") {
      const row: Row = { ...plan.changes, [plan.table.primaryIdAttribute]: plan.id, ...platformColumnsOnCreate(plan.table, plan.now, version, plan.changes) };
      insertRow(this.store, plan.table, plan.id, row);
      return row;
    }
    if (plan.message === "Update") {
      const changes = { ...plan.changes, ...platformColumnsOnUpdate(plan.table, plan.now, version) };
      const after = { ...plan.current, ...changes };
      updateRow(this.store, plan.table, plan.id, after, changes);
      return after;
    }
    deleteRow(this.store, plan.table, plan.id, plan.now);
    return undefined;
  }

  private async runSyncStage(
    plan: Plan,
    steps: readonly RegisteredStep[],
    stage: number,
    caller: Caller,
    scope: TransactionScope | undefined,
    after: Row | undefined,
  ): Promise<void> {
    for (const step of steps) {
      if (step.stage !== stage || step.mode !== StepMode.Synchronous || !stepApplies(step, plan.message, plan.changes)) continue;
      if (caller.depth > this.settings.maxDepth) throw depthExceeded();
      const context = this.contextFor(plan, step, caller, after, scope !== undefined);
      const leave = this.gate.enterStep(caller.correlationId, { depth: caller.depth, scope, context });
      try {
        const outcome = await postToWebhook(
          step.endpoint,
          {
            organization: caller.organizationDomain,
            entityName: plan.table.logicalName,
            requestName: plan.message,
            correlationId: caller.correlationId,
            body: JSON.stringify(context),
          },
          this.settings.webhookTimeoutMs(),
        );
        if (scope !== undefined) await this.gate.settle(scope, caller.depth);
        if (!outcome.ok) throw webhookFailed(outcome.failure);
      } finally {
        leave();
      }
    }
  }

  private queueAsyncSteps(plan: Plan, steps: readonly RegisteredStep[], caller: Caller, scope: TransactionScope, after: Row | undefined): void {
    for (const step of steps) {
      if (step.stage !== StepStage.PostOperation || step.mode !== StepMode.Asynchronous || !stepApplies(step, plan.message, plan.changes)) continue;
      if (caller.depth > this.settings.maxDepth) throw depthExceeded();
      const job = this.jobs.record(
        {
          step,
          context: this.contextFor(plan, step, caller, after, false),
          correlationId: caller.correlationId,
          depth: caller.depth,
          entityName: plan.table.logicalName,
          messageName: plan.message,
          organization: caller.organizationDomain,
        },
        plan.id,
      );
      scope.afterCommit.push(() => {
        this.jobs.start(job);
      });
    }
  }

  private contextFor(plan: Plan, step: RegisteredStep, caller: Caller, after: Row | undefined, inTransaction: boolean): RemoteExecutionContext {
    const postOperation = step.stage === StepStage.PostOperation;
    const primaryEntityId = plan.message === "Create" && !postOperation && !plan.idSupplied ? EMPTY_GUID : plan.id;
    const targetAttributes: Row = { ...plan.changes };
    if (plan.message !== "Create" || plan.idSupplied || postOperation) targetAttributes[plan.table.primaryIdAttribute] = plan.id;
    if (postOperation && after !== undefined) {
      for (const name of ["createdon", "modifiedon", "versionnumber", "statecode", "statuscode"]) {
        if (name in after && !(name in targetAttributes) && (plan.message === "Create" || name === "modifiedon" || name === "versionnumber")) {
          targetAttributes[name] = after[name] ?? null;
        }
      }
    }
    const target: TargetInput =
      plan.message === "Delete"
        ? { kind: "reference", logicalName: plan.table.logicalName, id: plan.id }
        : {
            kind: "entity",
            entity: { table: plan.table, id: primaryEntityId, attributes: targetAttributes, withFormattedValues: false, keyAttributes: plan.keyAttributes },
          };
    const preImages: [string, EntityInput][] = [];
    const postImages: [string, EntityInput][] = [];
    for (const image of step.images) {
      if (wantsPreImage(image) && plan.current !== undefined) preImages.push([image.alias, this.image(plan, image, plan.current)]);
      if (wantsPostImage(image) && postOperation && after !== undefined) postImages.push([image.alias, this.image(plan, image, after)]);
    }
    return buildRemoteExecutionContext({
      messageName: plan.message,
      stage: step.stage,
      mode: step.mode,
      primaryEntityName: plan.table.logicalName,
      primaryEntityId,
      target,
      preImages,
      postImages,
      outputParameters: plan.message === "Create" && postOperation ? [["id", plan.id]] : [],
      depth: caller.depth,
      correlationId: caller.correlationId,
      userId: caller.userId,
      initiatingUserId: caller.initiatingUserId,
      businessUnitId: this.settings.businessUnitId,
      organizationId: this.settings.organizationId,
      organizationName: this.settings.organizationName,
      operationId: plan.operationId,
      operationCreatedOn: plan.now,
      isInTransaction: inTransaction && step.mode === StepMode.Synchronous,
      owningExtension: { id: step.id, name: step.name },
      parentContext: caller.parentContext,
      sharedVariables: caller.tag === undefined ? [] : [["tag", caller.tag]],
    });
  }

  private image(plan: Plan, image: RegisteredImage, row: Row): EntityInput {
    const columns = image.attributes.length === 0 ? readableColumns(plan.table) : [plan.table.primaryIdAttribute, ...image.attributes];
    const attributes: Row = {};
    for (const name of columns) if (name in row) attributes[name] = row[name] ?? null;
    return { table: plan.table, id: plan.id, attributes, withFormattedValues: true };
  }
}

function checkIfMatch(ifMatch: string | undefined, current: Row): void {
  if (ifMatch === undefined || ifMatch.trim() === "*") return;
  const tags = ifMatch.split(",").map((tag) => tag.trim());
  if (!tags.includes(etagOf(current) ?? "")) throw concurrencyMismatch();
}

function keyAttributesOf(columns: Readonly<Record<string, string | number | null>>): Record<string, string | number> {
  const attributes: Record<string, string | number> = {};
  for (const [physical, value] of Object.entries(columns)) {
    if (value !== null) attributes[/^_(.+)_value$/.exec(physical)?.[1] ?? physical] = value;
  }
  return attributes;
}
