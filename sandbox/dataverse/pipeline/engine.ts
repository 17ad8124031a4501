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
 *
 * The transaction is the operation's own (`transactions.ts`): a webhook handler's call back into
 * the Web API is a separate request in a transaction of its own, at depth 1 with no ParentContext;
 * only the requests of platform plug-ins (`platform-plugins.ts`) run nested, inside it. The main
 * operation takes the row's write lock, held until the transaction ends.
 */
import { randomUUID } from "node:crypto";
import { StepMode, StepStage, type TableDefinition } from "@fsi/core";
import {
  concurrencyMismatch,
  DataverseError,
  depthExceeded,
  duplicateId,
  entityNotFound,
  invalidArgument,
  keyNotFound,
  pluginRefused,
  webhookFailed,
} from "../errors";
import type { RowAddress } from "../keys";
import { etagOf, readableColumns } from "../serialize";
import type { DataverseStore } from "../storage/store";
import type { Row, SqlValue } from "../storage/values";
import { validateChanges } from "../validation";
import type { AsyncJobRunner } from "./async-jobs";
import {
  alternateKeyLocks,
  deleteRow,
  insertRow,
  platformColumnsOnCreate,
  platformColumnsOnUpdate,
  updateRow,
} from "./core-operations";
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
  StepCache,
  stepApplies,
  wantsPostImage,
  wantsPreImage,
  type MessageName,
  type RegisteredImage,
  type RegisteredStep,
} from "./registrations";
import { type Bypass, NO_BYPASS } from "../bypass";
import type { PlatformPlugin, PlatformService } from "./platform-plugins";
import type { Transaction, TransactionGate } from "./transactions";
import { postToWebhook } from "./webhook-client";
import { webhookPayload } from "./webhook-payload";

/** How a plan reads rows: through an open transaction, or the committed rows. */
export interface RowView {
  getRow(table: TableDefinition, id: string): Row | undefined;
  /** Whether the row exists, without reading its columns. */
  exists(table: TableDefinition, id: string): boolean;
  findId(table: TableDefinition, values: Readonly<Record<string, SqlValue>>, exceptId?: string): string | undefined;
}

export interface Caller {
  readonly userId: string;
  readonly initiatingUserId: string;
  readonly correlationId: string;
  readonly depth: number;
  /** The open transaction the request runs in: a change set's, or the operation a platform plug-in's request is nested in. */
  readonly transaction: Transaction | undefined;
  /** The context of the platform plug-in step whose request this is (nested operations only). */
  readonly parentContext: RemoteExecutionContext | null;
  /** The host the client called, sent as `x-ms-dynamics-organization`. */
  readonly organizationDomain: string;
  /**
   * The request's Web API `tag` parameter, which Dataverse copies into SharedVariables["tag"] of
   * every plug-in the operation runs (Learn, "Add a shared variable to the plugin execution context").
   */
  readonly tag: string | undefined;
  /** The custom steps the request bypasses (`bypass.ts`); never those of platform plug-ins. */
  readonly bypass: Bypass;
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
  | {
      readonly kind: "delete";
      readonly table: TableDefinition;
      readonly address: RowAddress;
      readonly ifMatch: string | undefined;
    };

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
  /** Dataverse trims contexts over 256 KB (`webhook-payload.ts`); tests lower it. */
  readonly webhookPayloadLimitBytes: number;
  readonly clock: () => Date;
  readonly platformPlugins: readonly PlatformPlugin[];
}

interface Plan {
  readonly message: MessageName;
  readonly table: TableDefinition;
  readonly id: string;
  /** A create whose id the client chose (otherwise PreValidation/PreOperation see an empty id). */
  readonly idSupplied: boolean;
  readonly changes: Row;
  readonly current: Row | undefined;
  /** The request's `If-Match`, checked again once the row is locked. */
  readonly ifMatch: string | undefined;
  readonly keyAttributes: Readonly<Record<string, string | number>> | undefined;
  readonly operationId: string;
  readonly now: Date;
}

export class PipelineEngine {
  private stepCache: StepCache | undefined;

  constructor(
    private readonly store: DataverseStore,
    private readonly gate: TransactionGate,
    private readonly jobs: AsyncJobRunner,
    private readonly settings: PipelineSettings,
  ) {}

  async execute(request: WriteRequest, caller: Caller): Promise<WriteResult> {
    const [result] = await this.run(request.table, (view) => [this.plan(request, view)], caller);
    if (result === undefined) throw new Error("the pipeline wrote no row");
    return result;
  }

  /** A bulk message: every row through one pipeline and one transaction; the results in the order of `targets`. */
  async executeMultiple(request: BulkWriteRequest, caller: Caller): Promise<WriteResult[]> {
    if (request.targets.length === 0) throw invalidArgument("Targets must contain at least one row.");
    const { table } = request;
    if (request.kind === "createMultiple") {
      const supplied = request.targets
        .map((target) => target[table.primaryIdAttribute])
        .filter((id) => typeof id === "string");
      if (new Set(supplied).size < supplied.length) throw duplicateId();
      return this.run(
        table,
        (view) => request.targets.map((changes) => this.plan({ kind: "create", table, changes }, view)),
        caller,
      );
    }
    const ids = request.targets.map((target, index) => {
      const id = target[table.primaryIdAttribute];
      if (typeof id !== "string")
        throw invalidArgument(
          `Targets[${index}] has no ${table.primaryIdAttribute}: UpdateMultiple names each row by its id.`,
        );
      return id;
    });
    const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
    if (repeated !== undefined) throw invalidArgument(`Targets names the row ${repeated} more than once.`);
    return this.run(
      table,
      (view) =>
        request.targets.map((changes, index) =>
          this.plan(
            {
              kind: "update",
              table,
              address: { kind: "id", id: ids[index] ?? "" },
              changes,
              ifMatch: undefined,
              ifNoneMatch: undefined,
              upsert: false,
            },
            view,
          ),
        ),
      caller,
    );
  }

  /**
   * Plans the rows (`plan` runs again inside the transaction, through it), then runs the stages.
   * The message is the plans' (an upsert of a missing row is a Create); a bulk request's rows share it.
   * PreValidation runs outside the transaction when the operation starts one, inside when it runs
   * in an open one (Learn, "Scalable customization design: Database transactions").
   */
  private async run(table: TableDefinition, plan: (view: RowView) => Plan[], caller: Caller): Promise<WriteResult[]> {
    const open = caller.transaction;
    if (open !== undefined) return this.runInTransaction(table, plan, caller, open, false);
    const early = plan(this.committed());
    await this.runSyncStage(early, [], this.stepsFor(early, table), StepStage.PreValidation, caller, undefined);
    return this.gate.transaction(caller.correlationId, (transaction) =>
      this.runInTransaction(table, plan, caller, transaction, true),
    );
  }

  /** The committed rows, as a request outside any transaction reads them. */
  private committed(): RowView {
    const { store } = this;
    return {
      getRow: (table, id) => store.getRow(store.reader, table, id),
      exists: (table, id) => store.exists(store.reader, table, id),
      findId: (table, values, exceptId) => store.findId(store.reader, table, values, exceptId),
    };
  }

  private stepsFor(plans: readonly Plan[], table: TableDefinition): readonly RegisteredStep[] {
    const message: MessageName | undefined = plans[0]?.message;
    this.stepCache ??= new StepCache(this.store);
    return message === undefined ? [] : this.stepCache.steps(message, table.logicalName);
  }

  private async runInTransaction(
    table: TableDefinition,
    plan: (view: RowView) => Plan[],
    caller: Caller,
    transaction: Transaction,
    preValidated: boolean,
  ): Promise<WriteResult[]> {
    const plans = plan(transaction);
    const steps = this.stepsFor(plans, table);
    if (!preValidated) await this.runSyncStage(plans, [], steps, StepStage.PreValidation, caller, transaction);
    await this.runSyncStage(plans, [], steps, StepStage.PreOperation, caller, transaction);
    const afters: (Row | undefined)[] = [];
    for (const each of plans) afters.push(await this.mainOperation(each, transaction));
    await this.runSyncStage(plans, afters, steps, StepStage.PostOperation, caller, transaction);
    this.queueAsyncSteps(plans, afters, steps, caller, transaction);
    return plans.map((each, index) => ({ id: each.id, created: each.message === "Create", row: afters[index] }));
  }

  private plan(request: WriteRequest, view: RowView): Plan {
    const { table } = request;
    // Named one by one, not spread: a spread builds each plan (one per row written) slowly.
    const operationId = randomUUID();
    const now = this.settings.clock();
    if (request.kind === "create") {
      const supplied = request.changes[table.primaryIdAttribute];
      const id = typeof supplied === "string" ? supplied : randomUUID();
      if (typeof supplied === "string" && view.getRow(table, id) !== undefined) throw duplicateId();
      validateChanges(table, request.changes, "create");
      this.checkRegistration(table, request.changes);
      return {
        table,
        operationId,
        now,
        message: "Create",
        id,
        idSupplied: typeof supplied === "string",
        changes: request.changes,
        current: undefined,
        keyAttributes: undefined,
        ifMatch: undefined,
      };
    }
    const address = request.address;
    const id = address.kind === "id" ? address.id : view.findId(table, address.columns);
    const current = id === undefined ? undefined : view.getRow(table, id);
    const keyAttributes = address.kind === "key" ? keyAttributesOf(address.columns) : undefined;
    if (request.kind === "delete") {
      if (current === undefined || id === undefined)
        throw address.kind === "id" ? entityNotFound(table.logicalName, address.id) : keyNotFound(table.logicalName);
      checkIfMatch(request.ifMatch, current);
      return {
        table,
        operationId,
        now,
        message: "Delete",
        id,
        idSupplied: true,
        changes: {},
        current,
        keyAttributes,
        ifMatch: request.ifMatch,
      };
    }
    const { [table.primaryIdAttribute]: bodyId, ...changes } = request.changes;
    if (current !== undefined && id !== undefined) {
      if (request.ifNoneMatch === "*") throw duplicateId();
      checkIfMatch(request.ifMatch, current);
      if (typeof bodyId === "string" && bodyId !== id) {
        throw invalidArgument(
          `The body's ${table.primaryIdAttribute} '${bodyId}' does not match the row addressed by the URL.`,
        );
      }
      validateChanges(table, changes, "update", current);
      this.checkRegistration(table, { ...current, ...changes });
      return {
        table,
        operationId,
        now,
        message: "Update",
        id,
        idSupplied: true,
        changes,
        current,
        keyAttributes,
        ifMatch: request.ifMatch,
      };
    }
    if (!request.upsert || request.ifMatch !== undefined) {
      throw address.kind === "id" ? entityNotFound(table.logicalName, address.id) : keyNotFound(table.logicalName);
    }
    // Upsert of a missing row: a Create, with the key's values (or the URL's id) on the new row.
    const created: Row = {
      ...changes,
      ...(address.kind === "key" ? this.keyColumnsAsRow(table, address.columns, view) : {}),
    };
    const newId = address.kind === "id" ? address.id : typeof bodyId === "string" ? bodyId : randomUUID();
    created[table.primaryIdAttribute] = newId;
    validateChanges(table, created, "create");
    this.checkRegistration(table, created);
    return {
      table,
      operationId,
      now,
      message: "Create",
      id: newId,
      idSupplied: true,
      changes: created,
      current: undefined,
      keyAttributes,
      ifMatch: undefined,
    };
  }

  private keyColumnsAsRow(
    table: TableDefinition,
    columns: Readonly<Record<string, string | number | null>>,
    view: RowView,
  ): Row {
    const row: Row = {};
    for (const [physical, value] of Object.entries(columns)) {
      const lookup = /^_(.+)_value$/.exec(physical)?.[1];
      const column = lookup === undefined ? undefined : table.columns[lookup];
      if (lookup !== undefined && column?.type === "lookup" && typeof value === "string") {
        const targetName = column.targets[0] ?? "";
        const target = this.store.tables.find((candidate) => candidate.logicalName === targetName);
        if (target === undefined || view.getRow(target, value) === undefined) throw entityNotFound(targetName, value);
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

  /**
   * Stage 30: the row's write lock first (held until the transaction ends), then the write, read
   * again under the lock — another transaction may have committed a change while this one waited.
   */
  private async mainOperation(plan: Plan, transaction: Transaction): Promise<Row | undefined> {
    const { table, id } = plan;
    await this.gate.lock(transaction, `${table.logicalName}|${id}`);
    if (plan.message === "Create") {
      const row: Row = { ...plan.changes, [table.primaryIdAttribute]: id };
      for (const key of alternateKeyLocks(table, row)) await this.gate.lock(transaction, key);
      // An id the client chose may be taken; one drawn here (a random v4 GUID) is not.
      if (plan.idSupplied && transaction.getRow(table, id) !== undefined) throw duplicateId();
      Object.assign(row, platformColumnsOnCreate(table, plan.now, this.store.nextVersion(), plan.changes));
      insertRow(transaction, table, id, row);
      return row;
    }
    const current = transaction.getRow(table, id);
    if (current === undefined) throw entityNotFound(table.logicalName, id);
    checkIfMatch(plan.ifMatch, current);
    if (plan.message === "Update") {
      const changes = {
        ...plan.changes,
        ...platformColumnsOnUpdate(table, plan.now, this.store.nextVersion(), plan.changes),
      };
      const after = { ...current, ...changes };
      for (const key of alternateKeyLocks(table, after)) await this.gate.lock(transaction, key);
      updateRow(transaction, table, id, after, changes);
      return after;
    }
    deleteRow(transaction, table, id, plan.now);
    return undefined;
  }

  /**
   * One stage: the platform plug-ins registered for it first (in the transaction, stages 20 and
   * 40), then the webhook steps. A single-message step is posted once per row it applies to, a
   * bulk-message step once with every row when it applies to any (`afters`: the rows after the
   * main operation, stage 40).
   */
  private async runSyncStage(
    plans: readonly Plan[],
    afters: readonly (Row | undefined)[],
    steps: readonly RegisteredStep[],
    stage: number,
    caller: Caller,
    transaction: Transaction | undefined,
  ): Promise<void> {
    if (transaction !== undefined) await this.runPlatformPlugins(plans, afters, stage, caller, transaction);
    if (caller.bypass.sync) return;
    for (const step of steps) {
      if (step.stage !== stage || step.mode !== StepMode.Synchronous) continue;
      for (const context of this.contextsFor(plans, afters, step, caller, transaction !== undefined)) {
        const payload = webhookPayload(context.json, this.settings.webhookPayloadLimitBytes);
        const outcome = await postToWebhook(
          step.endpoint,
          {
            organization: caller.organizationDomain,
            entityName: context.entityName,
            requestName: context.messageName,
            correlationId: caller.correlationId,
            body: payload.body,
            sizeExceeded: payload.sizeExceeded,
          },
          this.settings.webhookTimeoutMs(),
        );
        if (!outcome.ok) throw webhookFailed(outcome.failure);
      }
    }
  }

  /**
   * Platform plug-ins of this stage, per row. Their organization service's requests run in the same
   * transaction, one level deeper, with the step's context as their ParentContext.
   */
  private async runPlatformPlugins(
    plans: readonly Plan[],
    afters: readonly (Row | undefined)[],
    stage: number,
    caller: Caller,
    transaction: Transaction,
  ): Promise<void> {
    for (const plugin of this.settings.platformPlugins) {
      if (plugin.stage !== stage) continue;
      for (const [index, plan] of plans.entries()) {
        if (plugin.message !== plan.message || plugin.table !== plan.table.logicalName) continue;
        const step: RegisteredStep = {
          id: EMPTY_GUID,
          message: plan.message,
          name: plugin.name,
          stage,
          mode: StepMode.Synchronous,
          rank: 0,
          filteringAttributes: [],
          asyncAutoDelete: false,
          endpoint: { id: EMPTY_GUID, url: "", authType: null, authValue: null },
          images: [],
        };
        const parent = this.contextFor(plan, step, caller, afters[index], true);
        const nested: Caller = {
          ...caller,
          depth: caller.depth + 1,
          transaction,
          parentContext: parent,
          tag: undefined,
          // What a Microsoft plug-in does to other rows runs their logic (bypass-custom-business-logic.md, FAQ).
          bypass: NO_BYPASS,
        };
        try {
          await plugin.execute({
            message: plan.message,
            table: plan.table,
            stage,
            id: plan.id,
            target: plan.changes,
            before: plan.current,
            after: afters[index],
            depth: caller.depth,
            service: this.platformService(nested, transaction),
          });
        } catch (error) {
          throw error instanceof DataverseError
            ? error
            : pluginRefused(error instanceof Error ? error.message : String(error));
        }
      }
    }
  }

  private platformService(caller: Caller, transaction: Transaction): PlatformService {
    const nest = (): void => {
      if (caller.depth > this.settings.maxDepth) throw depthExceeded();
    };
    return {
      retrieve: (table, id) => transaction.getRow(table, id),
      findId: (table, values) => transaction.findId(table, values),
      create: async (table, row) => {
        nest();
        return (await this.execute({ kind: "create", table, changes: row }, caller)).id;
      },
      update: async (table, id, changes) => {
        nest();
        await this.execute(
          {
            kind: "update",
            table,
            address: { kind: "id", id },
            changes,
            ifMatch: undefined,
            ifNoneMatch: undefined,
            upsert: false,
          },
          caller,
        );
      },
    };
  }

  private queueAsyncSteps(
    plans: readonly Plan[],
    afters: readonly (Row | undefined)[],
    steps: readonly RegisteredStep[],
    caller: Caller,
    transaction: Transaction,
  ): void {
    if (caller.bypass.async) return;
    for (const step of steps) {
      if (step.stage !== StepStage.PostOperation || step.mode !== StepMode.Asynchronous) continue;
      for (const context of this.contextsFor(plans, afters, step, caller, false)) {
        const job = this.jobs.record(
          transaction,
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
        transaction.afterCommit.push(() => {
          this.jobs.start(job);
        });
      }
    }
  }

  /** The contexts `step` is posted: one per row it applies to, or one for all rows (bulk step). */
  private contextsFor(
    plans: readonly Plan[],
    afters: readonly (Row | undefined)[],
    step: RegisteredStep,
    caller: Caller,
    inTransaction: boolean,
  ): PostedContext[] {
    const first = plans[0];
    if (first === undefined) return [];
    if (!isBulkStep(step)) {
      return plans.flatMap((plan, index) =>
        stepApplies(step, plan.message, plan.changes)
          ? [
              {
                json: this.contextFor(plan, step, caller, afters[index], inTransaction),
                entityName: plan.table.logicalName,
                messageName: plan.message,
                regardingId: plan.id,
              },
            ]
          : [],
      );
    }
    if (
      bulkMessageOf(first.message) !== step.message ||
      !plans.some((plan) => stepApplies(step, plan.message, plan.changes))
    )
      return [];
    return [
      {
        json: this.bulkContextFor(plans, afters, step, caller, inTransaction),
        entityName: first.table.logicalName,
        messageName: step.message,
        regardingId: first.id,
      },
    ];
  }

  private contextFor(
    plan: Plan,
    step: RegisteredStep,
    caller: Caller,
    after: Row | undefined,
    inTransaction: boolean,
  ): RemoteExecutionContext {
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
   * new id. No images: per-row images exist for .NET plug-ins (IPluginExecutionContext4), and how
   * a webhook's JSON would carry them is not documented, so nothing is invented here.
   */
  private bulkContextFor(
    plans: readonly Plan[],
    afters: readonly (Row | undefined)[],
    step: RegisteredStep,
    caller: Caller,
    inTransaction: boolean,
  ): RemoteExecutionContext {
    const first = plans[0];
    if (first === undefined) throw new Error("a bulk context needs a row");
    const postOperation = step.stage === StepStage.PostOperation;
    const ids: JsonValue = plans.map((plan) => plan.id);
    return buildRemoteExecutionContext({
      ...this.commonContext(first, step, caller, inTransaction),
      messageName: step.message,
      primaryEntityId: EMPTY_GUID,
      target: {
        kind: "collection",
        entityName: first.table.logicalName,
        entities: plans.map((plan, index) => this.targetEntity(plan, step, afters[index])),
      },
      preImages: [],
      postImages: [],
      outputParameters: first.message === "Create" && postOperation ? [["Ids", ids]] : [],
    });
  }

  private commonContext(
    plan: Plan,
    step: RegisteredStep,
    caller: Caller,
    inTransaction: boolean,
  ): Omit<
    ExecutionContextInput,
    "messageName" | "primaryEntityId" | "target" | "preImages" | "postImages" | "outputParameters"
  > {
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
    if (plan.message !== "Create" || plan.idSupplied || postOperation)
      targetAttributes[plan.table.primaryIdAttribute] = plan.id;
    if (postOperation && after !== undefined) {
      for (const name of ["createdon", "modifiedon", "versionnumber", "statecode", "statuscode"]) {
        if (
          name in after &&
          !(name in targetAttributes) &&
          (plan.message === "Create" || name === "modifiedon" || name === "versionnumber")
        ) {
          targetAttributes[name] = after[name] ?? null;
        }
      }
    }
    return {
      table: plan.table,
      id: primaryEntityId,
      attributes: targetAttributes,
      withFormattedValues: false,
      keyAttributes: plan.keyAttributes,
    };
  }

  private imagesOf(
    plan: Plan,
    step: RegisteredStep,
    after: Row | undefined,
  ): { pre: [string, EntityInput][]; post: [string, EntityInput][] } {
    const postOperation = step.stage === StepStage.PostOperation;
    const pre: [string, EntityInput][] = [];
    const post: [string, EntityInput][] = [];
    for (const image of step.images) {
      if (wantsPreImage(image) && plan.current !== undefined)
        pre.push([image.alias, this.image(plan, image, plan.current)]);
      if (wantsPostImage(image) && postOperation && after !== undefined)
        post.push([image.alias, this.image(plan, image, after)]);
    }
    return { pre, post };
  }

  private image(plan: Plan, image: RegisteredImage, row: Row): EntityInput {
    const columns =
      image.attributes.length === 0
        ? readableColumns(plan.table)
        : [plan.table.primaryIdAttribute, ...image.attributes];
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
