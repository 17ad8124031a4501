/**
 * The initial sync (`fsi sync initial`): copies the rows that exist before live sync starts, map
 * by map in dependency order, resumable, with every row error kept. See map-sync.ts for one map's
 * passes and the conflict rule.
 *
 * Resuming: a run that did not finish is continued by the next invocation for the same maps and
 * direction (with the same master); `restart` abandons it and starts over (rows equal on both
 * sides are still not rewritten: every row is compared before it is written).
 */
import { tableByLogicalName } from "@fsi/core/dataverse/tables";
import { scmEntityByCollection } from "@fsi/core/scm/entities";
import type { EntityMap } from "@fsi/core/maps/template-schema";
import type { Logger } from "../../services/logger";
import type { MapCatalog } from "../../services/map-catalog";
import type { ScmClient } from "../../services/scm-client";
import { SYNC_STATUS_COLUMNS } from "@fsi/core/registration";
import type { SyncDirection } from "../change-queue";
import type { FinishedRow, InitialRun, RowError, RowOutcome, SyncMaster } from "../initial-sync-store";
import type { InitialSyncStateStore, SyncLedgerStore } from "../state-store";
import type { DataverseBulkClient } from "./dataverse-bulk";
import { fsToScmAdapter } from "./fs-to-scm";
import type { ThrottleStats } from "./http-retry";
import { DataverseKeyIndex } from "./key-index";
import { type InitialSyncProgress, type MapRunContext, syncRows } from "./map-sync";
import { type MapPlan, planMaps } from "./plan";
import { COMPANY_TABLE, fsRowsOf, scmRowsOf } from "./row-sides";
import type { ScmBulkReader } from "./scm-bulk";
import { scmToFsAdapter } from "./scm-to-fs";

export interface InitialSyncRequest {
  /** Map names, or `all`. */
  readonly maps: readonly string[];
  readonly direction: SyncDirection;
  /** Who wins when a row differs on both sides; default the source side. */
  readonly master?: SyncMaster;
  /** Also sync the maps the named ones depend on (default true). */
  readonly withDependencies?: boolean;
  /** Rows per batch (one bulk message or SCM changeset, one checkpoint); default 1,000 (Learn: a reasonable start for bulk messages). */
  readonly batchSize?: number;
  /** Abandon an unfinished run of the same maps instead of resuming it. */
  readonly restart?: boolean;
}

export interface InitialSyncServices {
  readonly catalog: MapCatalog;
  readonly dataverse: DataverseBulkClient;
  readonly scmReader: ScmBulkReader;
  /** Writes, as the integration user. */
  readonly scm: ScmClient;
  readonly store: InitialSyncStateStore;
  readonly ledger: SyncLedgerStore;
  readonly log: Logger;
  readonly onProgress?: (progress: InitialSyncProgress) => void;
  /** Called once the run is known, before any row is read (the CLI says "resuming run 4"). */
  readonly onStart?: (start: {
    readonly run: InitialRun;
    readonly resumed: boolean;
    readonly alreadyFinished: number;
    readonly plan: readonly MapPlan[];
  }) => void;
  readonly now?: () => Date;
}

export interface MapSummary {
  readonly map: string;
  readonly counts: Readonly<Record<RowOutcome, number>>;
}

export interface InitialSyncReport {
  readonly runId: number;
  readonly direction: SyncDirection;
  readonly master: SyncMaster;
  readonly resumed: boolean;
  /** Rows an earlier attempt of the run had finished (skipped now). */
  readonly alreadyFinished: number;
  readonly maps: readonly MapSummary[];
  /** Every row error of the run, earlier attempts included. */
  readonly errors: readonly RowError[];
  readonly throttling: ThrottleStats;
  /** How long this invocation took (reads, writes, checkpoints). */
  readonly durationMs: number;
}

/** The run was stopped by something no row caused (a system not answering): resume it later. */
export class InitialSyncStoppedError extends Error {
  override readonly name = "InitialSyncStoppedError";
  readonly code = "INITIAL_SYNC_STOPPED";
  /** `runId` null: the run stopped before its first row and was not kept. */
  constructor(
    readonly runId: number | null,
    readonly reason: unknown,
  ) {
    const why = reason instanceof Error ? reason.message : String(reason);
    super(
      runId === null
        ? `Initial sync stopped before writing any row: ${why} No run was kept; run the same command again once it answers.`
        : `Initial sync run ${runId} stopped: ${why} Rows finished so far are checkpointed; run the same command again to resume.`,
    );
  }
}

/** An unfinished run exists with another master: resuming would change the rule half-way. */
export class InitialSyncConflictError extends Error {
  override readonly name = "InitialSyncConflictError";
  readonly code = "RUN_CONFLICT";
}

const EMPTY_COUNTS: Record<RowOutcome, number> = { created: 0, updated: 0, "written-back": 0, unchanged: 0, failed: 0 };

export async function runInitialSync(
  request: InitialSyncRequest,
  services: InitialSyncServices,
): Promise<InitialSyncReport> {
  const started = performance.now();
  const plan = planMaps(services.catalog, request.maps, request.withDependencies ?? true);
  const names = plan.map((entry) => entry.map.name);
  const master: SyncMaster = request.master ?? (request.direction === "fs-to-scm" ? "fs" : "scm");
  const { store } = services;

  let run = await store.unfinished(names, request.direction);
  if (run !== undefined && request.restart === true) {
    await store.abandon(run.id);
    run = undefined;
  }
  if (run !== undefined && run.master !== master) {
    throw new InitialSyncConflictError(
      `Run ${run.id} of ${names.join(", ")} (${request.direction}) is unfinished with --master ${run.master}; resume it with --master ${run.master}, or start over with --restart.`,
    );
  }
  const resumed = run !== undefined;
  if (run === undefined) run = await store.start(names, request.direction, master);
  else await store.markResumed(run.id);
  const alreadyFinished = resumed ? await store.finishedCount(run.id) : 0;
  services.onStart?.({ run, resumed, alreadyFinished, plan });

  const index = new DataverseKeyIndex();
  const runId = run.id;
  // Until the first write is sent the run changed nothing, so stopping then keeps no run behind.
  const sent = { writing: false };
  const tracked: InitialSyncServices = {
    ...services,
    onProgress: (line) => {
      if (line.phase === "writing") sent.writing = true;
      services.onProgress?.(line);
    },
  };
  try {
    const companies = await services.dataverse.readAll(requireTable(COMPANY_TABLE), ["cdm_companycode"]);
    index.ensure(COMPANY_TABLE);
    for (const company of companies) {
      const code = company.record.cdm_companycode;
      if (typeof code === "string") index.add(COMPANY_TABLE, company.id, code.toLowerCase(), undefined);
    }
    for (const entry of plan)
      await syncMap(
        entry,
        { runId, direction: request.direction, master, batchSize: request.batchSize ?? 1000, index },
        tracked,
      );
  } catch (error) {
    if (error instanceof InitialSyncConflictError) throw error;
    if (!resumed && !sent.writing && (await store.discardIfEmpty(runId)))
      throw new InitialSyncStoppedError(null, error);
    throw new InitialSyncStoppedError(runId, error);
  }
  await store.finish(runId);

  const outcomes = await store.outcomes(runId);
  return {
    runId,
    direction: request.direction,
    master,
    resumed,
    alreadyFinished,
    maps: names.map((map) => ({ map, counts: { ...EMPTY_COUNTS, ...outcomes.get(map) } })),
    errors: await store.errors(runId),
    durationMs: Math.round(performance.now() - started),
    throttling: {
      throttled: services.dataverse.throttling.throttled + services.scmReader.throttling.throttled,
      waitedMs: services.dataverse.throttling.waitedMs + services.scmReader.throttling.waitedMs,
    },
  };
}

interface RunSettings {
  readonly runId: number;
  readonly direction: SyncDirection;
  readonly master: SyncMaster;
  readonly batchSize: number;
  readonly index: DataverseKeyIndex;
}

async function syncMap(plan: MapPlan, settings: RunSettings, services: InitialSyncServices): Promise<void> {
  const { map } = plan;
  const table = requireTable(map.dataverseTable);
  const entity = scmEntityByCollection(map.scmCollection);
  if (entity === undefined)
    throw new Error(`Map ${map.name} names SCM collection ${map.scmCollection}, which core does not define.`);
  const progress = services.onProgress ?? (() => undefined);
  const { index } = settings;
  progress({ map: map.name, pass: 1, phase: "reading", done: 0, total: 0, failed: 0 });

  await indexLookupTables(map, services, index);
  const hasStatusColumns = SYNC_STATUS_COLUMNS.every((column) => column in table.columns);
  const fsColumns = [
    map.company.dataverse,
    ...map.keys.map((pair) => pair.dataverse),
    ...map.columns.map((pair) => pair.dataverse),
    ...(table.columns.versionnumber === undefined ? [] : ["versionnumber"]),
    ...(hasStatusColumns ? ["fsi_scmsyncstatus"] : []),
  ];
  const fs = fsRowsOf(map, table, await services.dataverse.readAll(table, fsColumns), index);
  index.ensure(map.dataverseTable);
  const keyPair = map.keys[0];
  for (const row of fs.rows) {
    const key = keyPair === undefined ? undefined : row.record[keyPair.dataverse];
    if (typeof key === "string") index.add(map.dataverseTable, row.id, key, row.company);
  }
  const scm = scmRowsOf(map, await services.scmReader.readAll(entity));

  const now = services.now ?? (() => new Date());
  const context: MapRunContext = {
    runId: settings.runId,
    map: map.name,
    direction: settings.direction,
    master: settings.master,
    batchSize: settings.batchSize,
    dataverse: services.dataverse,
    scm: services.scm,
    store: services.store,
    ledger: services.ledger,
    log: services.log,
    progress,
  };
  const failedRow = (row: { rowKey: string; message: string }): FinishedRow => ({
    rowKey: row.rowKey,
    outcome: "failed",
    error: row.message,
  });
  if (settings.direction === "fs-to-scm") {
    const adapter = fsToScmAdapter({
      map,
      table,
      entity,
      fs: fs.rows,
      scm: scm.rows,
      index,
      ledger: services.ledger,
      hasStatusColumns,
      now,
      log: (message, fields) => {
        services.log.warn(message, fields);
      },
    });
    await syncRows(adapter, fs.unusable.map(failedRow), context);
  } else {
    const adapter = scmToFsAdapter({
      map,
      table,
      entity,
      fs: fs.rows,
      scm: scm.rows,
      index,
      hasStatusColumns,
      finished: await services.store.finishedRows(settings.runId, map.name, 1),
      now,
    });
    await syncRows(adapter, scm.unusable.map(failedRow), context);
  }
}

/**
 * Loads the key index of every table the map's lookups point to that no earlier map of the run
 * has loaded (accounts, products, or a dependency synced in an earlier run).
 */
async function indexLookupTables(
  map: EntityMap,
  services: InitialSyncServices,
  index: DataverseKeyIndex,
): Promise<void> {
  for (const pair of map.columns) {
    const lookup = pair.lookup;
    if (lookup === undefined || lookup.table === map.dataverseTable || index.has(lookup.table)) continue;
    const table = requireTable(lookup.table);
    const company = table.columns.msdyn_company === undefined ? [] : ["msdyn_company"];
    const rows = await services.dataverse.readAll(table, [lookup.key, ...company]);
    index.ensure(lookup.table);
    for (const row of rows) {
      const key = row.record[lookup.key];
      const companyRef = row.record.msdyn_company;
      const code =
        typeof companyRef === "object" && companyRef !== null ? index.keyOf(COMPANY_TABLE, companyRef.id) : undefined;
      if (typeof key === "string" && key !== "") index.add(lookup.table, row.id, key, code);
    }
  }
}

function requireTable(logicalName: string) {
  const table = tableByLogicalName(logicalName);
  if (table === undefined) throw new Error(`Core defines no Dataverse table ${logicalName}.`);
  return table;
}
