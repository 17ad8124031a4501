/**
 * The event pipeline of one create, update or delete (Learn, "Event framework"):
 * PreValidation (10) outside the database transaction, then PreOperation (20), the main operation
 * (30) and PostOperation (40) inside it; asynchronous PostOperation steps after the commit.
 * A synchronous step that fails cancels the operation; inside the transaction that rolls it back.
 *
 * The bulk messages CreateMultiple and UpdateMultiple (Learn, "Use bulk operation messages") run
 * the same pipeline over many rows of one table in one transaction: each stage runs its Create
 * (Update) steps once per row and its CreateMultiple (UpdateMultiple) steps once with every row as
 * `Targets`; a single Create runs CreateMultiple steps too, with one row (the merged pipelines).
 * Any failure rolls every row back, as on standard tables.
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
  type ExecutionContextInput,
  type JsonValue,
  type RemoteExecutionContext,
  type TargetInput,
} from "./execution-context";
import {
  bulkMessageOf,
  checkStepRegistration,
  isBulkStep,
  loadMergedSteps,
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

/**
 * CreateMultiple / UpdateMultiple: rows of one table, each as a single Create (Update by id) would
 * take it. An UpdateMultiple row names its row by the primary id and must exist (no upsert).
 */
export interface BulkWriteRequest {
  readonly kind: "createMultiple" | "updateMultiple";
  readonly table: TableDefinition;
  readonly targets: readonly Row[];
}

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
    const [result] = await this.run(request.table, (db) => [this.plan(request, db)], caller);
    if (result === undefined) throw new Error("the pipeline wrote no row");
    return result;
  }

  /** A bulk message: every row through one pipeline and one transaction; the results in the order of `targets`. */
  async executeMultiple(request: BulkWriteRequest, caller: Caller): Promise<WriteResult[]> {
    if (request.targets.length === 0) throw invalidArgument("Targets must contain at least one row.");
    const { table } = request;
    if (request.kind === "createMultiple") {
      const supplied = request.targets.map((target) => target[table.primaryIdAttribute]).filter((id) => typeof id === "string");
      if (new Set(supplied).size < supplied.length) throw duplicateId();
      return this.run(table, (db) => request.targets.map((changes) => this.plan({ kind: "create", table, changes }, db)), caller);
    }
    const ids = request.targets.map((target, index) => {
      const id = target[table.primaryIdAttribute];
      if (typeof id !== "string") throw invalidArgument(`Targets[${index}] has no ${table.primaryIdAttribute}: UpdateMultiple names each row by its id.`);
      return id;
    });
    const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
    if (repeated !== undefined) throw invalidArgument(`Targets names the row ${repeated} more than once.`);
    return this.run(
      table,
      (db) =>
        request.targets.map((changes, index) =>
          this.plan({ kind: "update", table, address: { kind: "id", id: ids[index] ?? "" }, changes, ifMatch: undefined, ifNoneMatch: undefined, upsert: false }, db),
        ),
      caller,
    );
  }

  /**
   * Plans the rows (`plan` runs again inside the transaction, on the writer), then runs the stages.
   * The message is the plans' (an upsert of a missing row is a Create); a bulk request's rows share it.
   */
  private async run(table: TableDefinition, plan: (db: Connection) => Plan[], caller: Caller): Promise<WriteResult[]> {
    const scope = caller.scope;
    if (scope !== undefined) {
      return this.gate.nested(scope, caller.depth, () => this.runInTransaction(table, plan, caller, scope, false));
    }
    const early = plan(this.store.reader);
    await this.runSyncStage(early, [], this.stepsFor(early, table), StepStage.PreValidation, caller, undefined);
    return this.gate.transaction(caller.correlationId, (opened) => this.runInTransaction(table, plan, caller, opened, true));
  }

  private stepsFor(plans: readonly Plan[], table: TableDefinition, db: Connection = this.store.reader): RegisteredStep[] {
    const message: MessageName | undefined = plans[0]?.message;
    return message === undefined ? [] : loadMergedSteps(this.store, db, message, table.logicalName);
  }

  private async runInTransaction(table: TableDefinition, plan: (db: Connection) => Plan[], caller: Caller, scope: TransactionScope, preValidated: boolean): Promise<WriteResult[]> {
    const plans = plan(this.store.writer);
    const steps = this.stepsFor(plans, table, this.store.writer);
    if (!preValidated) await this.runSyncStage(plans, [], steps, StepStage.PreValidation, caller, scope);
    await this.runSyncStage(plans, [], steps, StepStage.PreOperation, caller, scope);
    const afters = plans.map((each) => this.mainOperation(each));
    await this.runSyncStage(plans, afters, steps, StepStage.PostOperation, caller, scope);
    this.queueAsyncSteps(plans, afters, steps, caller, scope);
    return plans.map((each, index) => ({ id: each.id, created: each.message === "Create", row: afters[index] }));
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

  /**
   * One stage: a single-message step is posted once per row it applies to, a bulk-message step once
   * with every row when it applies to any (`afters`: the rows after the main operation, stage 40).
   */
  private async runSyncStage(
    plans: readonly Plan[],
    afters: readonly (Row | undefined)[],
    steps: readonly RegisteredStep[],
    stage: number,
    caller: Caller,
    scope: TransactionScope | undefined,
  ): Promise<void> {
    for (const step of steps) {
      if (step.stage !== stage || step.mode !== StepMode.Synchronous) continue;
      for (const context of this.contextsFor(plans, afters, step, caller, scope !== undefined)) {
        if (caller.depth > this.settings.maxDepth) throw depthExceeded();
        const leave = this.gate.enterStep(caller.correlationId, { depth: caller.depth, scope, context: context.json });
        try {
          const outcome = await postToWebhook(
            step.endpoint,
            {
              organization: caller.organizationDomain,
              entityName: context.entityName,
              requestName: context.messageName,
              correlationId: caller.correlationId,
              body: JSON.stringify(context.json),
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
  }

  private queueAsyncSteps(plans: readonly Plan[], afters: readonly (Row | undefined)[], steps: readonly RegisteredStep[], caller: Caller, scope: TransactionScope): void {
    for (const step of steps) {
      if (step.stage !== StepStage.PostOperation || step.mode !== StepMode.Asynchronous) continue;
      for (const context of this.contextsFor(plans, afters, step, caller, false)) {
        if (caller.depth > this.settings.maxDepth) throw depthExceeded();
        const job = this.jobs.record(
          {
            step,
            context: context.json,
            correlationId: caller.correlationId,
            depth: caller.depth,
            entityName: context.entityName,
            messageName: context.messageName,
            organization: caller.organizationDomain,
          },
          context.regardingId,
        );
        scope.afterCommit.push(() => {
          this.jobs.start(job);
        });
      }
    }
  }

  /** The contexts `step` is posted: one per row it applies to, or one for all rows (bulk step). */
  private contextsFor(plans: readonly Plan[], afters: readonly (Row | undefined)[], step: RegisteredStep, caller: Caller, inTransaction: boolean): PostedContext[] {
    const first = plans[0];
    if (first === undefined) return [];
    if (!isBulkStep(step)) {
      return plans.flatMap((plan, index) =>
        stepApplies(step, plan.message, plan.changes)
          ? [{ json: this.contextFor(plan, step, caller, afters[index], inTransaction), entityName: plan.table.logicalName, messageName: plan.message, regardingId: plan.id }]
          : [],
      );
    }
    if (bulkMessageOf(first.message) !== step.message || !plans.some((plan) => stepApplies(step, plan.message, plan.changes))) return [];
    return [{ json: this.bulkContextFor(plans, afters, step, caller, inTransaction), entityName: first.table.logicalName, messageName: step.message, regardingId: first.id }];
  }

  private contextFor(plan: Plan, step: RegisteredStep, caller: Caller, after: Row | undefined, inTransaction: boolean): RemoteExecutionContext {
    const postOperation = step.stage === StepStage.PostOperation;
    const primaryEntityId = plan.message === "Create" && !postOperation && !plan.idSupplied ? EMPTY_GUID : plan.id;
    const target: TargetInput =
      plan.message === "Delete"
        ? { kind: "reference", logicalName: plan.table.logicalName, id: plan.id }
        : { kind: "entity", entity: this.targetEntity(plan, step, after) };
    const { pre, post } = this.imagesOf(plan, step, after);
    return buildRemoteExecutionContext({
      ...this.commonContext(plan, step, caller, inTransaction),
      messageName: plan.message,
      primaryEntityId,
      target,
      preImages: pre,
      postImages: post,
      outputParameters: plan.message === "Create" && postOperation ? [["id", plan.id]] : [],
    });
  }

  /**
   * A bulk step's context: `Targets` holds every row, `Ids` (CreateMultiple, PostOperation) every
   * new id, and the images come per row in PreEntityImagesCollection / PostEntityImagesCollection.
   */
  private bulkContextFor(plans: readonly Plan[], afters: readonly (Row | undefined)[], step: RegisteredStep, caller: Caller, inTransaction: boolean): RemoteExecutionContext {
    const first = plans[0];
    if (first === undefined) throw new Error("a bulk context needs a row");
    const postOperation = step.stage === StepStage.PostOperation;
    const images = plans.map((plan, index) => this.imagesOf(plan, step, afters[index]));
    const ids: JsonValue = plans.map((plan) => plan.id);
    return buildRemoteExecutionContext({
      ...this.commonContext(first, step, caller, inTransaction),
      messageName: step.message,
      primaryEntityId: EMPTY_GUID,
      target: { kind: "collection", entityName: first.table.logicalName, entities: plans.map((plan, index) => this.targetEntity(plan, step, afters[index])) },
      preImages: [],
      postImages: [],
      outputParameters: first.message === "Create" && postOperation ? [["Ids", ids]] : [],
      imagesCollections: { pre: images.map((image) => image.pre), post: images.map((image) => image.post) },
    });
  }

  private commonContext(
    plan: Plan,
    step: RegisteredStep,
    caller: Caller,
    inTransaction: boolean,
  ): Omit<ExecutionContextInput, "messageName" | "primaryEntityId" | "target" | "preImages" | "postImages" | "outputParameters"> {
    return {
      stage: step.stage,
      mode: step.mode,
      primaryEntityName: plan.table.logicalName,
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
    };
  }

  /** The row as the request gave it, with what PostOperation knows (id, platform columns). */
  private targetEntity(plan: Plan, step: RegisteredStep, after: Row | undefined): EntityInput {
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
    return { table: plan.table, id: primaryEntityId, attributes: targetAttributes, withFormattedValues: false, keyAttributes: plan.keyAttributes };
  }

  private imagesOf(plan: Plan, step: RegisteredStep, after: Row | undefined): { pre: [string, EntityInput][]; post: [string, EntityInput][] } {
    const postOperation = step.stage === StepStage.PostOperation;
    const pre: [string, EntityInput][] = [];
    const post: [string, EntityInput][] = [];
    for (const image of step.images) {
      if (wantsPreImage(image) && plan.current !== undefined) pre.push([image.alias, this.image(plan, image, plan.current)]);
      if (wantsPostImage(image) && postOperation && after !== undefined) post.push([image.alias, this.image(plan, image, after)]);
    }
    return { pre, post };
  }

  private image(plan: Plan, image: RegisteredImage, row: Row): EntityInput {
    const columns = image.attributes.length === 0 ? readableColumns(plan.table) : [plan.table.primaryIdAttribute, ...image.attributes];
    const attributes: Row = {};
    for (const name of columns) if (name in row) attributes[name] = row[name] ?? null;
    return { table: plan.table, id: plan.id, attributes, withFormattedValues: true };
  }
}

interface PostedContext {
  readonly json: RemoteExecutionContext;
  readonly entityName: string;
  readonly messageName: string;
  readonly regardingId: string;
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
