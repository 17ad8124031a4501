/**
 * The catch-up pass, SCM → Field Service: what makes up for data events that never arrived (SCM
 * keeps an event it could not deliver in its error log, and a deactivated data event sends nothing).
 * It reads every row of a map's entity from SCM (cross-company OData reads, page by page), makes
 * Field Service's row equal to each — writing only rows that differ, exactly as an event would —
 * and deletes the Field Service rows SCM no longer has (only rows that were synced from or to SCM:
 * their status says so). Refusals go to the catch-up list like an event's. Safe to run at any
 * time and as often as wanted; `fsi sync catch-up` and the host's `POST /plugins/scm-catch-up` run it.
 */
import { ScmSyncStatus, tableByLogicalName } from "@fsi/core/dataverse/tables";
import { mapModeOf } from "@fsi/core/maps/map-modes";
import type { EntityMap } from "@fsi/core/maps/template-schema";
import { SYNC_STATUS_COLUMNS } from "@fsi/core/registration";
import { scmEntityByCollection } from "@fsi/core/scm/entities";
import type { ScmRow } from "@fsi/core/scm/schema";
import { IntegrationError } from "../integration/errors";
import type { PluginServices } from "./plugin";
import type { ScmToDataverseSync } from "./scm-to-dataverse";

export interface CatchUpSummary {
  readonly map: string;
  /** Rows SCM has. */
  readonly read: number;
  /** Field Service rows written (created or changed) or deleted. */
  readonly applied: number;
  readonly deleted: number;
  readonly unchanged: number;
  /** Waiting for a lookup, or on the catch-up list. */
  readonly queued: number;
}

export async function catchUpFromScm(
  maps: readonly EntityMap[],
  inbound: ScmToDataverseSync,
  services: PluginServices,
): Promise<CatchUpSummary[]> {
  const summaries: CatchUpSummary[] = [];
  // Maps Microsoft's dual-write syncs here (or switched off) are not ours to catch up.
  for (const map of maps.filter((candidate) => mapModeOf(services.settings.mapModes, candidate.name) === "fsi")) {
    summaries.push(await catchUpMap(map, inbound, services));
  }
  return summaries;
}

async function catchUpMap(
  map: EntityMap,
  inbound: ScmToDataverseSync,
  services: PluginServices,
): Promise<CatchUpSummary> {
  const entity = scmEntityByCollection(map.scmCollection);
  const table = tableByLogicalName(map.dataverseTable);
  if (entity === undefined || table === undefined)
    throw new IntegrationError("UNMAPPED_TABLE", `Map ${map.name} names no known SCM entity or Dataverse table.`);
  const counts = { read: 0, applied: 0, deleted: 0, unchanged: 0, queued: 0 };
  const count = (outcome: string): void => {
    if (outcome === "applied") counts.applied += 1;
    else if (outcome === "queued") counts.queued += 1;
    else counts.unchanged += 1;
  };
  const rows: ScmRow[] = [];
  for await (const row of services.scm.listRows(entity)) rows.push(row);
  counts.read = rows.length;
  // Rows pointing at rows of their own entity (a warehouse's transit warehouse) go last, so what
  // they point at is there first; the queue would wait for it otherwise.
  const selfFields = map.columns.filter((pair) => pair.lookup?.table === map.dataverseTable).map((pair) => pair.scm);
  const pointsAtOwn = (row: ScmRow): boolean =>
    selfFields.some((field) => row[field] !== undefined && row[field] !== null && row[field] !== "");
  for (const row of [...rows.filter((row) => !pointsAtOwn(row)), ...rows.filter(pointsAtOwn)]) {
    count((await inbound.applyRow(entity, row, services)).outcome);
  }

  // Field Service rows SCM no longer has: deleted when they were synced (a row only Field Service
  // knows, never synced, is not SCM's to delete).
  if (SYNC_STATUS_COLUMNS.every((column) => column in table.columns)) {
    const present = new Set(
      rows.map((row) =>
        [
          String(row[map.company.scm] ?? "").toLowerCase(),
          ...map.keys.map((pair) => String(row[pair.scm] ?? "").toLowerCase()),
        ].join("/"),
      ),
    );
    const synced = await services.dataverse.findAll(table, { fsi_scmsyncstatus: ScmSyncStatus.Synced }, [
      map.company.dataverse,
      ...map.keys.map((pair) => pair.dataverse),
    ]);
    for (const found of synced) {
      const company = found.record[map.company.dataverse];
      const code =
        typeof company === "object" && company !== null
          ? (await services.companies.codeOf(services.dataverse, company.id))?.toLowerCase()
          : undefined;
      const keyValues = map.keys
        .map((pair) => found.record[pair.dataverse])
        .filter((value): value is string => typeof value === "string");
      if (code === undefined || keyValues.length !== map.keys.length) continue;
      if (present.has([code, ...keyValues.map((value) => value.toLowerCase())].join("/"))) continue;
      const key = {
        [map.company.scm]: code,
        ...Object.fromEntries(map.keys.map((pair, index) => [pair.scm, keyValues[index] ?? ""])),
      };
      const result = await inbound.deleteIfGone(entity, key, services);
      if (result.outcome === "applied") counts.deleted += 1;
    }
  }
  services.log.info(
    `Catch-up of ${map.name}: ${counts.read} SCM rows, ${counts.applied} written, ${counts.deleted} deleted, ${counts.queued} queued`,
  );
  return { map: map.name, ...counts };
}
