/**
 * SCM → Field Service: SCM's rows are the source, the FS rows the target. New FS rows get their
 * id from the run (a client may choose a row's id on create), so rows later in the run — and in
 * the same change set — can bind lookups to them before Dataverse has answered. Every write is
 * marked Synced and carries the echo tag. With FS as master, a conflicting SCM row is rewritten
 * from FS instead, as the integration user.
 */
import { randomUUID } from "node:crypto";
import type { DataverseRecord } from "@fsi/core/dataverse/record";
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { ScmSyncStatus } from "@fsi/core/dataverse/tables";
import type { EntityMap } from "@fsi/core/maps/template-schema";
import type { ScmEntityDefinition } from "@fsi/core/scm/schema";
import { keyOf } from "../../services/scm-client";
import type { DataverseKeyIndex } from "./key-index";
import type { DirectionAdapter } from "./map-sync";
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
import type { WriteOp } from "./write-executor";

export interface ScmToFsInput {
  readonly map: EntityMap;
  readonly table: TableDefinition;
  readonly entity: ScmEntityDefinition;
  readonly fs: readonly FsSideRow[];
  readonly scm: readonly ScmSideRow[];
  readonly index: DataverseKeyIndex;
  readonly hasStatusColumns: boolean;
  /** Rows a finished attempt of this run already did: they get no new id. */
  readonly finished: ReadonlySet<string>;
  readonly now: () => Date;
}

export function scmToFsAdapter(input: ScmToFsInput): DirectionAdapter<ScmSideRow, FsSideRow, DataverseRecord> {
  const { map, table, entity, index } = input;
  const selfPairs = map.columns.filter((pair) => pair.lookup?.table === map.dataverseTable);
  const targets = new Map(input.fs.map((row) => [row.match, row]));
  const keyPair = map.keys[0];

  // Ids for the rows this run creates, known to the index from the start (see the header).
  const plannedIds = new Map<string, string>();
  for (const source of input.scm) {
    if (targets.has(source.match) || input.finished.has(source.rowKey)) continue;
    const id = randomUUID();
    plannedIds.set(source.match, id);
    const key = keyPair === undefined ? undefined : source.row[keyPair.scm];
    if (typeof key === "string") index.add(map.dataverseTable, id, key, source.company);
  }

  const status = (): DataverseRecord =>
    input.hasStatusColumns
      ? {
          fsi_scmsyncstatus: ScmSyncStatus.Synced,
          fsi_scmlastsyncedon: input.now().toISOString(),
          fsi_scmlasterror: null,
        }
      : {};

  return {
    sources: input.scm,
    targets,
    selfColumns: new Set(selfPairs.map((pair) => pair.dataverse)),
    desired: (source, omit) => scmToFs(map, source, index, omit),
    changes: (desired, target) => fsChanges(map, table, desired, target.record),
    pick: (desired, columns) => Object.fromEntries(Object.entries(desired).filter(([column]) => columns.has(column))),
    create: (source, desired) => {
      const id = plannedIds.get(source.match) ?? randomUUID();
      const record: DataverseRecord = { ...desired, ...status(), [table.primaryIdAttribute]: id };
      return {
        op: { system: "fs", write: { kind: "create", table, record } },
        written: () => ({
          id,
          rowKey: source.rowKey,
          match: source.match,
          company: source.company,
          record: desired,
          version: undefined,
        }),
      };
    },
    update: (_source, target, changes) => ({
      op: {
        system: "fs",
        write: {
          kind: "update",
          table,
          id: target.id,
          record: { ...changes, ...status() },
          ...(target.version === undefined ? {} : { ifMatch: `W/"${target.version}"` }),
        },
      },
      // The row's version moved with the write; later writes of this run match any version.
      written: () => ({ ...target, record: { ...target.record, ...changes }, version: undefined }),
    }),
    writeBack: (source, target): Mapped<WriteOp | undefined> => {
      const fromFs = fsToScm(map, target, index);
      if (fromFs.problems.length > 0)
        return {
          value: undefined,
          problems: fromFs.problems.map(
            (problem) => `Field Service is master, but its row cannot be written to SCM: ${problem}`,
          ),
        };
      const changes = scmChanges(map, table, entity, fromFs.value, source.row);
      if (Object.keys(changes).length === 0) return { value: undefined, problems: [] };
      const key = keyOf(entity, source.row);
      if (key === undefined)
        return { value: undefined, problems: [`The SCM row has no complete ${entity.collection} key.`] };
      return { value: { system: "scm", kind: "update", entity, key, changes }, problems: [] };
    },
    selfReference: (source, column) => {
      const pair = selfPairs.find((candidate) => candidate.dataverse === column);
      return pair === undefined ? undefined : selfReferenceOf(map, pair, { scm: source });
    },
    supersededLive: () => false,
    ledger: (source, target, error) => {
      const dataverseId = target?.id ?? plannedIds.get(source.match);
      return {
        map: map.name,
        rowKey: source.rowKey,
        ...(dataverseId === undefined ? {} : { dataverseId }),
        ...(error === undefined ? { status: "synced" as const } : { status: "failed" as const, error }),
      };
    },
    notCreated: (source) => {
      const id = plannedIds.get(source.match);
      // Later rows must not bind to a row that does not exist: they report it missing instead.
      if (id !== undefined) index.remove(map.dataverseTable, id);
      plannedIds.delete(source.match);
    },
    statusWrites: () => [],
  };
}
