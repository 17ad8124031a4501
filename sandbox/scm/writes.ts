/**
 * Every OData write goes through here: check, rehearse, ask the synchronous subscribers, commit.
 *
 * better-sqlite3 transactions are synchronous while a synchronous subscriber is an awaited HTTP
 * call. So writes hold `writeLock` (an async mutex) from the check to the commit — the state they
 * were checked against cannot change in between — and no transaction is left open across the
 * `await`: the write is rehearsed (`BEGIN IMMEDIATE` … `ROLLBACK`, synchronous) to get the exact
 * stored row and prove the statements succeed, the subscribers are called, and only then is it
 * applied for real (`BEGIN IMMEDIATE` … `COMMIT`) together with the async outbox rows. Reads never
 * take the lock and, because nothing uncommitted is ever visible between statements, never see a
 * write that a subscriber may still refuse (the subscriber itself, calling back, sees the old row).
 */
import { randomUUID } from "node:crypto";
import {
  type ScmBusinessEvent,
  type ScmBusinessEventOperation,
  type ScmEntityDefinition,
  type ScmKey,
  type ScmValidationFieldError,
  SCM_BUSINESS_EVENT_MAJOR_VERSION,
  SCM_BUSINESS_EVENT_MINOR_VERSION,
  businessEventIdFor,
  toEventTime,
} from "../../core";
import { type AsyncMutex, HttpError } from "../http";
import { ExceptionTypes, formatKeyPredicate, notFound, scmError, validationFailed } from "./errors";
import { deliverEvent } from "./events/deliver";
import type { EventOutbox } from "./events/outbox";
import type { SubscriptionStore } from "./events/subscriptions";
import { stampRowVersion } from "./inventory/system-fields";
import type { RecordCheck, RecordChecker } from "./records";
import { type ScmDatabase, nextSequenceValue } from "./store/database";
import type { EntityTable } from "./store/entity-table";
import type { StoredRow } from "./store/fields";

export interface WriteContext {
  /** `x-fsi-user` of the request; becomes the event's `InitiatingUser`. */
  readonly user: string;
  readonly defaultCompany: string;
}

export interface WriteOutcome {
  /** The stored row after the write; null after a delete. */
  readonly row: StoredRow | null;
  readonly key: ScmKey;
  /** The event raised, absent when nothing changed. */
  readonly event?: ScmBusinessEvent;
}

export interface ScmWriterDependencies {
  readonly db: ScmDatabase;
  readonly tables: ReadonlyMap<string, EntityTable>;
  readonly checker: RecordChecker;
  readonly subscriptions: SubscriptionStore;
  readonly outbox: EventOutbox;
  readonly writeLock: AsyncMutex;
  /** How long a synchronous subscriber may take before the write fails. */
  readonly syncTimeoutMs: number;
}

/** One row of a document a custom service writes (`runDocument`). */
export interface DocumentWrite {
  readonly entity: ScmEntityDefinition;
  readonly operation: "create" | "update";
  /** The fields, as an OData body would carry them. */
  readonly input: Readonly<Record<string, unknown>>;
  /** Update: the row's key. */
  readonly key?: ScmKey;
  /** Where the write comes from in the request (`lines[1]`, `header`): its errors' fields start with it. */
  readonly source: string;
}

export interface DocumentPlan<T> {
  /** Nothing to write (an idempotent repeat): `result` is answered as it is. */
  readonly writes: readonly DocumentWrite[];
  readonly result: T;
}

/** A document refused by validation: 400 in the service fault shape, every violation in `Info.errors`. */
export function documentRefused(errors: readonly ScmValidationFieldError[]): Error {
  return scmError(400, "ValidationFailed", `The document was not written: ${errors.map((error) => `${error.field}: ${error.message}`).join(" ")}`, {
    exceptionType: ExceptionTypes.service,
    info: { errors },
  });
}

interface PlannedWrite {
  readonly entity: ScmEntityDefinition;
  readonly operation: ScmBusinessEventOperation;
  readonly key: ScmKey;
  readonly row: StoredRow | null;
  readonly changedFields: readonly string[];
}

export class ScmWriter {
  constructor(private readonly deps: ScmWriterDependencies) {}

  create(entity: ScmEntityDefinition, body: Readonly<Record<string, unknown>>, context: WriteContext): Promise<WriteOutcome> {
    return this.deps.writeLock.runExclusive(async () => {
      const check = this.deps.checker.check({ entity, operation: "create", input: body, defaultCompany: context.defaultCompany });
      this.refuseInvalid(entity, check);
      const changedFields = stampRowVersion(this.deps.db, entity, check.row, check.changedFields, true);
      return this.commit({ entity, operation: "Create", key: check.key, row: check.row, changedFields }, context);
    });
  }

  update(entity: ScmEntityDefinition, key: ScmKey, body: Readonly<Record<string, unknown>>, context: WriteContext): Promise<WriteOutcome> {
    return this.deps.writeLock.runExclusive(async () => {
      this.existing(entity, key);
      const check = this.deps.checker.check({ entity, operation: "update", input: body, fixedKey: key, defaultCompany: context.defaultCompany });
      this.refuseInvalid(entity, check);
      const changedFields = stampRowVersion(this.deps.db, entity, check.row, check.changedFields, false);
      return this.commit({ entity, operation: "Update", key: check.key, row: check.row, changedFields }, context);
    });
  }

  delete(entity: ScmEntityDefinition, key: ScmKey, context: WriteContext): Promise<WriteOutcome> {
    return this.deps.writeLock.runExclusive(async () => {
      const existing = this.existing(entity, key);
      return this.commit({ entity, operation: "Delete", key: this.table(entity).keyOf(existing), row: null, changedFields: [] }, context);
    });
  }

  private async commit(plan: PlannedWrite, context: WriteContext): Promise<WriteOutcome> {
    const stored = this.transaction("rehearse", () => this.apply(plan));
    if (plan.operation === "Update" && plan.changedFields.length === 0) return { row: stored, key: plan.key };

    const event = this.event(plan, stored, context);
    await this.notifySyncSubscribers(plan, event);
    const asyncSubscribers = this.deps.subscriptions.matching(plan.entity.collection, "async").map((subscriber) => subscriber.id);
    const committed = this.transaction("commit", () => {
      const row = this.apply(plan);
      this.deps.outbox.enqueue(asyncSubscribers, event);
      return row;
    });
    if (asyncSubscribers.length > 0) this.deps.outbox.kick();
    return { row: committed, key: plan.key, event };
  }

  /**
   * Writes a whole document (header, lines, the on-hand rows a posting moves) in one commit, for
   * the custom services. `plan` runs under the write lock, so what it reads (the idempotency key,
   * the on-hand it moves) cannot change before the commit. Each write is checked as an OData write
   * would be, against the rows planned before it (rehearsed in a transaction that is rolled back);
   * any violation refuses the whole document with every violation, its field a path into the
   * request. Then the synchronous subscribers hear every event, in order, and only then is the
   * document committed with its outbox rows.
   */
  runDocument<T>(plan: () => DocumentPlan<T>, context: WriteContext): Promise<T> {
    return this.deps.writeLock.runExclusive(async () => {
      const { writes, result } = plan();
      if (writes.length === 0) return result;
      const planned = this.transaction("rehearse", () => this.checkDocument(writes, context));
      const changed = planned
        .map((write) => ({ ...write, changedFields: stampRowVersion(this.deps.db, write.entity, write.row ?? {}, write.changedFields, write.operation === "Create") }))
        .filter((write) => write.operation === "Create" || write.changedFields.length > 0);
      const events = changed.map((write) => this.event(write, write.row, context));
      for (const [index, write] of changed.entries()) {
        const event = events[index];
        if (event !== undefined) await this.notifySyncSubscribers(write, event);
      }
      const subscribersByEntity = new Map(changed.map((write) => [write.entity.collection, this.deps.subscriptions.matching(write.entity.collection, "async").map((subscriber) => subscriber.id)]));
      this.transaction("commit", () => {
        for (const [index, write] of changed.entries()) {
          this.apply(write);
          const event = events[index];
          if (event !== undefined) this.deps.outbox.enqueue(subscribersByEntity.get(write.entity.collection) ?? [], event);
        }
      });
      if ([...subscribersByEntity.values()].some((ids) => ids.length > 0)) this.deps.outbox.kick();
      return result;
    });
  }

  /** Checks and applies each write in turn (inside the rehearsal); refuses the document on any violation. */
  private checkDocument(writes: readonly DocumentWrite[], context: WriteContext): PlannedWrite[] {
    const planned: PlannedWrite[] = [];
    const errors: ScmValidationFieldError[] = [];
    for (const write of writes) {
      const check = this.deps.checker.check({
        entity: write.entity,
        operation: write.operation,
        input: write.input,
        ...(write.key === undefined ? {} : { fixedKey: write.key }),
        defaultCompany: context.defaultCompany,
      });
      if (write.operation === "update" && check.existing === undefined) {
        errors.push({ field: write.source, code: "referenceNotFound", message: `${write.entity.collection}${formatKeyPredicate(write.entity, check.key)} does not exist.` });
        continue;
      }
      if (check.errors.length > 0) {
        errors.push(...check.errors.map((error) => ({ ...error, field: `${write.source}.${error.field}` })));
        continue;
      }
      const step: PlannedWrite = { entity: write.entity, operation: write.operation === "create" ? "Create" : "Update", key: check.key, row: check.row, changedFields: check.changedFields };
      this.apply(step);
      planned.push(step);
    }
    if (errors.length > 0) throw documentRefused(errors);
    return planned;
  }

  private async notifySyncSubscribers(plan: PlannedWrite, event: ScmBusinessEvent): Promise<void> {
    for (const subscriber of this.deps.subscriptions.matching(plan.entity.collection, "sync")) {
      const result = await deliverEvent(subscriber.url, event, this.deps.syncTimeoutMs);
      if (!result.ok) {
        const refused = result.status !== undefined && result.status < 500;
        throw scmError(
          refused ? 400 : 502,
          refused ? "SubscriberRejected" : "SubscriberUnavailable",
          `The ${plan.operation.toLowerCase()} of ${plan.entity.collection}${formatKeyPredicate(plan.entity, plan.key)} was rolled back: the synchronous subscriber ${subscriber.url} ${result.reason}`,
          { exceptionType: ExceptionTypes.write, info: { subscriptionId: subscriber.id, subscriberStatus: result.status ?? null } },
        );
      }
    }
  }

  /** Applies the plan and reads back the stored row (null after a delete). */
  private apply(plan: PlannedWrite): StoredRow | null {
    const table = this.table(plan.entity);
    if (plan.operation === "Delete" || plan.row === null) {
      table.delete(plan.key);
      return null;
    }
    if (plan.operation === "Create") table.insert(plan.row);
    else table.replace(plan.key, plan.row);
    return table.find(plan.key) ?? null;
  }

  private transaction<T>(mode: "rehearse" | "commit", work: () => T): T {
    const { db } = this.deps;
    db.exec("BEGIN IMMEDIATE");
    try {
      const result = work();
      db.exec(mode === "commit" ? "COMMIT" : "ROLLBACK");
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      if (error instanceof HttpError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw scmError(/constraint/i.test(message) ? 400 : 500, "WriteFailed", `The database refused the write: ${message}`, {
        exceptionType: ExceptionTypes.write,
      });
    }
  }

  private event(plan: PlannedWrite, row: StoredRow | null, context: WriteContext): ScmBusinessEvent {
    return {
      BusinessEventId: businessEventIdFor(plan.entity),
      ControlNumber: nextSequenceValue(this.deps.db, "BusinessEventControlNumber"),
      EventId: randomUUID(),
      EventTime: toEventTime(new Date()),
      MajorVersion: SCM_BUSINESS_EVENT_MAJOR_VERSION,
      MinorVersion: SCM_BUSINESS_EVENT_MINOR_VERSION,
      LegalEntity: plan.key.dataAreaId ?? "",
      EntityName: plan.entity.entityName,
      Operation: plan.operation,
      Keys: { ...plan.key },
      ChangedFields: [...plan.changedFields],
      Row: row,
      InitiatingUser: context.user,
    };
  }

  private refuseInvalid(entity: ScmEntityDefinition, check: RecordCheck): void {
    if (check.errors.length > 0) throw validationFailed(entity, check.key, check.errors);
  }

  private existing(entity: ScmEntityDefinition, key: ScmKey): StoredRow {
    const row = this.table(entity).find(key);
    if (row === undefined) throw notFound(`No ${entity.collection} record with key ${formatKeyPredicate(entity, key)}.`);
    return row;
  }

  private table(entity: ScmEntityDefinition): EntityTable {
    const table = this.deps.tables.get(entity.collection);
    if (table === undefined) throw new Error(`No table for entity '${entity.collection}'.`);
    return table;
  }
}
