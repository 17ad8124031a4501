/**
 * Field Service → SCM: the FS rows are the source, SCM's rows the target. Rows are written to SCM
 * as the integration user (its business events are echoes the live sync drops); each FS row's
 * sync status columns then say Synced or Failed with SCM's reason, written with the echo tag.
 * With SCM as master, a conflicting FS row is rewritten from SCM instead.
 */
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { ScmSyncStatus } from "@fsi/core/dataverse/tables";
import type { EntityMap } from "@fsi/core/maps/template-schema";
import type { ScmEntityDefinition, ScmRow } from "@fsi/core/scm/schema";
import { keyOf } from "../../services/scm-client";
import type { SyncLedgerStore } from "../state-store";
import type { DataverseKeyIndex } from "./key-index";
import type { DirectionAdapter, FinishedSource } from "./map-sync";
import {
  type FsSideRow,
  type Mapped,
  type ScmSideRow,
  fsChanges,
  fsToScm,
  scmChanges,
  scmToFs,
  selfReferenceOf,
} from "./row-sides";
import type { PlannedWrite, WriteOp } from "./write-executor";

export interface FsToScmInput {
  readonly map: EntityMap;
  readonly table: TableDefinition;
  readonly entity: ScmEntityDefinition;
  readonly fs: readonly FsSideRow[];
  readonly scm: readonly ScmSideRow[];
  readonly index: DataverseKeyIndex;
  readonly ledger: SyncLedgerStore;
  readonly hasStatusColumns: boolean;
  readonly now: () => Date;
  readonly log: (message: string, fields: Record<string, unknown>) => void;
}

export function fsToScmAdapter(input: FsToScmInput): DirectionAdapter<FsSideRow, ScmSideRow, ScmRow> {
  const { map, table, entity, index } = input;
  const selfPairs = map.columns.filter((pair) => pair.lookup?.table === map.dataverseTable);
  const selfColumns = new Set(selfPairs.map((pair) => pair.dataverse));
  const fieldOf = new Map(map.columns.map((pair) => [pair.dataverse, pair.scm]));

  const keyFor = (row: Readonly<ScmRow>) => {
    const key = keyOf(entity, row);
    if (key === undefined) throw new Error(`${entity.collection} row without a complete key: ${JSON.stringify(row)}`);
    return key;
  };

  return {
    sources: input.fs,
    targets: new Map(input.scm.map((row) => [row.match, row])),
    selfColumns,
    desired: (source, omit) => fsToScm(map, source, index, omit),
    changes: (desired, target) => scmChanges(map, table, entity, desired, target.row),
    pick: (desired, columns) => {
      const fields = new Set([...columns].map((column) => fieldOf.get(column)));
      return Object.fromEntries(Object.entries(desired).filter(([field]) => fields.has(field)));
    },
    create: (source, desired) => ({
      op: { system: "scm", kind: "create", entity, row: desired },
      written: () => ({ rowKey: source.rowKey, match: source.match, company: source.company, row: desired }),
    }),
    update: (source, target, changes) => ({
      op: { system: "scm", kind: "update", entity, key: keyFor(target.row), changes },
      written: () => ({ ...target, row: { ...target.row, ...changes } }),
    }),
    writeBack: (source, target): Mapped<WriteOp | undefined> => {
      const fromScm = scmToFs(map, target, index);
      if (fromScm.problems.length > 0)
        return {
          value: undefined,
          problems: fromScm.problems.map(
            (problem) => `SCM is master, but its row cannot be written to Dataverse: ${problem}`,
          ),
        };
      const changes = fsChanges(map, table, fromScm.value, source.record);
      if (Object.keys(changes).length === 0) return { value: undefined, problems: [] };
      const record: DataverseRecord = { ...changes, ...(input.hasStatusColumns ? syncedStatus(input.now()) : {}) };
      return {
        value: { system: "fs", write: { kind: "update", table, id: source.id, record, ...ifMatchOf(source) } },
        problems: [],
      };
    },
    selfReference: (source, column) => {
      const pair = selfPairs.find((candidate) => candidate.dataverse === column);
      return pair === undefined ? undefined : selfReferenceOf(map, pair, { fs: source, index });
    },
    supersededLive: async (source) => {
      // The live sync step recorded a newer versionnumber for this row: SCM already has newer data.
      const stamp = (await input.ledger.get(map.name, source.rowKey))?.fsStamp;
      return stamp != null && source.version !== undefined && stamp > source.version;
    },
    ledger: (source, _target, error) => ({
      map: map.name,
      rowKey: source.rowKey,
      dataverseId: source.id,
      ...(error === undefined
        ? { status: "synced" as const, ...(source.version === undefined ? {} : { fsStamp: source.version }) }
        : { status: "failed" as const, error }),
    }),
    notCreated: () => undefined,
    statusWrites: (finished) => (input.hasStatusColumns ? statusWrites(table, finished, input) : []),
  };
}

function syncedStatus(now: Date): DataverseRecord {
  return { fsi_scmsyncstatus: ScmSyncStatus.Synced, fsi_scmlastsyncedon: now.toISOString(), fsi_scmlasterror: null };
}

function ifMatchOf(source: FsSideRow): { ifMatch?: string } {
  // Optimistic concurrency: a row edited since it was read is not overwritten (412, reported).
  return source.version === undefined ? {} : { ifMatch: `W/"${source.version}"` };
}

/** Each finished FS row's sync status: Synced, or Failed with SCM's reason. Unchanged rows already Synced are left alone. */
function statusWrites(
  table: TableDefinition,
  finished: readonly FinishedSource<FsSideRow>[],
  input: FsToScmInput,
): PlannedWrite[] {
  const writes: PlannedWrite[] = [];
  for (const { source, outcome, error } of finished) {
    if (outcome === "written-back") continue;
    const failed = outcome === "failed";
    const current = source.record.fsi_scmsyncstatus;
    if (!failed && outcome === "unchanged" && current === ScmSyncStatus.Synced) continue;
    const record: DataverseRecord = failed
      ? { fsi_scmsyncstatus: ScmSyncStatus.Failed, fsi_scmlasterror: (error ?? "").slice(0, 4000) }
      : syncedStatus(input.now());
    writes.push({
      op: { system: "fs", write: { kind: "update", table, id: source.id, record } },
      settle: (statusError) => {
        if (statusError !== undefined)
          input.log("The row's SCM sync status could not be written", { rowKey: source.rowKey, reason: statusError });
      },
    });
  }
  return writes;
}
