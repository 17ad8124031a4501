/**
 * Every OData write goes through here: check, apply, raise the data event, commit — one row, or a
 * whole `$batch` changeset as one unit. Writes hold `writeLock` (an async mutex) so the state a
 * write was checked against cannot change before it commits; each write is one SQLite transaction
 * holding the rows and their outbox entries, so a refused write or changeset leaves nothing behind,
 * and events go out only after the commit (core/scm/data-events.ts). No endpoint is asked before a
 * commit: F&O offers external subscribers no veto.
 */
import {
  type ScmDataEventOperation,
  type ScmEntityDefinition,
  type ScmKey,
  type ScmValidationFieldError,
} from "@fsi/core";
import { type AsyncMutex, HttpError } from "../http";
import { ExceptionTypes, formatKeyPredicate, notFound, scmError, validationFailed } from "./errors";
import { buildDataEvent } from "./events/data-event";
import type { EventEndpointStore } from "./events/endpoints";
import type { EventOutbox } from "./events/outbox";
import { stampRowVersion } from "./inventory/system-fields";
import type { RecordCheck, RecordChecker } from "./records";
import type { ScmDatabase } from "./store/database";
import type { EntityTable } from "./store/entity-table";
import type { StoredRow } from "./store/fields";

export interface WriteContext {
  readonly defaultCompany: string;
}

export interface WriteOutcome {
  /** The stored row after the write; null after a delete. */
  readonly row: StoredRow | null;
  readonly key: ScmKey;
}

/** One request of a changeset, already routed to its entity. */
export type ChangesetWrite =
  | {
      readonly operation: "create";
      readonly entity: ScmEntityDefinition;
      readonly body: Readonly<Record<string, unknown>>;
    }
  | {
      readonly operation: "update";
      readonly entity: ScmEntityDefinition;
      readonly key: ScmKey;
      readonly body: Readonly<Record<string, unknown>>;
    }
  | { readonly operation: "delete"; readonly entity: ScmEntityDefinition; readonly key: ScmKey };

/** A changeset that committed (every write's outcome) or was rolled back at its `failedAt`-th write. */
export type ChangesetOutcome =
  | { readonly committed: true; readonly outcomes: readonly WriteOutcome[] }
  | { readonly committed: false; readonly failedAt: number; readonly error: HttpError };

export interface ScmWriterDependencies {
  readonly db: ScmDatabase;
  readonly tables: ReadonlyMap<string, EntityTable>;
  readonly checker: RecordChecker;
  readonly endpoints: EventEndpointStore;
  readonly outbox: EventOutbox;
  readonly writeLock: AsyncMutex;
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
  return scmError(
    400,
    "ValidationFailed",
    `The document was not written: ${errors.map((error) => `${error.field}: ${error.message}`).join(" ")}`,
    {
      exceptionType: ExceptionTypes.service,
      info: { errors },
    },
  );
}

export class ScmWriter {
  private pendingKick = false;

  constructor(private readonly deps: ScmWriterDependencies) {}

  async create(
    entity: ScmEntityDefinition,
    body: Readonly<Record<string, unknown>>,
    context: WriteContext,
  ): Promise<WriteOutcome> {
    return this.single({ operation: "create", entity, body }, context);
  }

  async update(
    entity: ScmEntityDefinition,
    key: ScmKey,
    body: Readonly<Record<string, unknown>>,
    context: WriteContext,
  ): Promise<WriteOutcome> {
    return this.single({ operation: "update", entity, key, body }, context);
  }

  async delete(entity: ScmEntityDefinition, key: ScmKey, context: WriteContext): Promise<WriteOutcome> {
    return this.single({ operation: "delete", entity, key }, context);
  }

  /**
   * A changeset: every write in order, in one transaction; the first refusal rolls back all of them
   * (UO `data-entities/odata.md`: "if any request fails, none of the requests are run
   * successfully"), and no event is raised for any of them.
   */
  changeset(writes: readonly ChangesetWrite[], context: WriteContext): Promise<ChangesetOutcome> {
    return this.deps.writeLock.runExclusive(() => {
      const { db } = this.deps;
      db.exec("BEGIN IMMEDIATE");
      const outcomes: WriteOutcome[] = [];
      for (const [index, write] of writes.entries()) {
        try {
          outcomes.push(this.apply(write, context));
        } catch (error) {
          if (db.inTransaction) db.exec("ROLLBACK");
          return { committed: false, failedAt: index, error: asHttpError(error) };
        }
      }
      db.exec("COMMIT");
      this.kickAfterCommit();
      return { committed: true, outcomes };
    });
  }

  /**
   * Writes a whole document (header, lines, the on-hand rows a posting moves) in one commit, for
   * the custom services. `plan` runs under the write lock, so what it reads (the idempotency key,
   * the on-hand it moves) cannot change before the commit. Each write is checked as an OData write
   * would be, against the rows written before it; any violation refuses the whole document with
   * every violation, its field a path into the request.
   */
  runDocument<T>(plan: () => DocumentPlan<T>, context: WriteContext): Promise<T> {
    return this.deps.writeLock.runExclusive(() => {
      const { writes, result } = plan();
      if (writes.length === 0) return result;
      this.transaction(() => {
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
            errors.push({
              field: write.source,
              code: "referenceNotFound",
              message: `${write.entity.collection}${formatKeyPredicate(write.entity, check.key)} does not exist.`,
            });
            continue;
          }
          if (check.errors.length > 0) {
            errors.push(...check.errors.map((error) => ({ ...error, field: `${write.source}.${error.field}` })));
            continue;
          }
          this.store(write.entity, write.operation === "create" ? "Create" : "Update", check);
        }
        if (errors.length > 0) throw documentRefused(errors);
      });
      return result;
    });
  }

  private single(write: ChangesetWrite, context: WriteContext): Promise<WriteOutcome> {
    return this.deps.writeLock.runExclusive(() => this.transaction(() => this.apply(write, context)));
  }

  /** Checks and applies one write inside the open transaction; throws the refusal. */
  private apply(write: ChangesetWrite, context: WriteContext): WriteOutcome {
    const table = this.table(write.entity);
    if (write.operation === "delete") {
      const existing = table.find(write.key);
      if (existing === undefined)
        throw notFound(`No ${write.entity.collection} record with key ${formatKeyPredicate(write.entity, write.key)}.`);
      const key = table.keyOf(existing);
      table.delete(key);
      this.raise(write.entity, "Delete", key, existing, undefined, []);
      return { row: null, key };
    }
    if (write.operation === "update" && table.find(write.key) === undefined) {
      throw notFound(`No ${write.entity.collection} record with key ${formatKeyPredicate(write.entity, write.key)}.`);
    }
    const check = this.deps.checker.check({
      entity: write.entity,
      operation: write.operation,
      input: write.body,
      ...(write.operation === "update" ? { fixedKey: write.key } : {}),
      defaultCompany: context.defaultCompany,
    });
    if (check.errors.length > 0) throw validationFailed(write.entity, check.key, check.errors);
    return this.store(write.entity, write.operation === "create" ? "Create" : "Update", check);
  }

  /** Stores a checked row and raises its event (an update that changes nothing raises none). */
  private store(entity: ScmEntityDefinition, operation: "Create" | "Update", check: RecordCheck): WriteOutcome {
    const table = this.table(entity);
    const changedFields = stampRowVersion(this.deps.db, entity, check.row, check.changedFields, operation === "Create");
    if (operation === "Create") table.insert(check.row);
    else table.replace(check.key, check.row);
    const stored = table.find(check.key) ?? check.row;
    if (operation === "Create" || changedFields.length > 0)
      this.raise(entity, operation, check.key, stored, check.existing, changedFields);
    return { row: stored, key: check.key };
  }

  private raise(
    entity: ScmEntityDefinition,
    operation: ScmDataEventOperation,
    key: ScmKey,
    row: StoredRow,
    before: StoredRow | undefined,
    changedFields: readonly string[],
  ): void {
    const endpoints = this.deps.endpoints.matching(entity.collection).map((endpoint) => endpoint.id);
    if (endpoints.length === 0) return;
    this.deps.outbox.enqueue(
      endpoints,
      buildDataEvent({
        entity,
        operation,
        key,
        row,
        ...(operation === "Update" && before !== undefined ? { before } : {}),
        changedFields,
        raisedOn: new Date(),
      }),
    );
    this.pendingKick = true;
  }

  private transaction<T>(work: () => T): T {
    const { db } = this.deps;
    db.exec("BEGIN IMMEDIATE");
    try {
      const result = work();
      db.exec("COMMIT");
      this.kickAfterCommit();
      return result;
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      this.pendingKick = false;
      throw asHttpError(error);
    }
  }

  private kickAfterCommit(): void {
    if (!this.pendingKick) return;
    this.pendingKick = false;
    this.deps.outbox.kick();
  }

  private table(entity: ScmEntityDefinition): EntityTable {
    const table = this.deps.tables.get(entity.collection);
    if (table === undefined) throw new Error(`No table for entity '${entity.collection}'.`);
    return table;
  }
}

function asHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return scmError(
    /constraint/i.test(message) ? 400 : 500,
    "WriteFailed",
    `The database refused the write: ${message}`,
    { exceptionType: ExceptionTypes.write },
  );
}
