/// <reference types="xrm" />
/**
 * After a save, SCM's side of the row arrives later: the sync status is written by an asynchronous
 * step, and the columns SCM fills in itself (a new warehouse's type) come back with SCM's data
 * event, which SCM sends only after it committed (docs/design.md §0.2). A model-driven form shows
 * the row as it was read right after the save, and changes made afterwards only after a refresh.
 *
 * So, for a bounded time after each successful save, the form re-reads the row's sync columns and
 * the columns SCM sends back (`Xrm.WebApi.retrieveRecord`, backing off) and, when they changed and the user has no unsaved
 * edit, refreshes the form's data with `formContext.data.refresh(false)` — "refreshes … all the data
 * of the form without reloading the page" (PA `powerapps-docs/developer/model-driven-apps/clientapi/reference/formContext-data/refresh.md`); the data OnLoad event
 * follows, and code components get `updateView` with the new values.
 */
import { SYNC_STATUS_COLUMNS } from "@fsi/core/registration/step-columns";
import type { ScmForm } from "./scm-form";
import { bareGuid } from "./guid";

/**
 * Waits between re-reads after a save (≈ 61 s in all): quick at first, when the sandbox's events
 * land, then slower for an environment where SCM's data events take seconds. The ScmIntegrationPanel
 * shows a row saved in the form without a status as Pending for as long as this watch runs.
 */
export const SYNC_WATCH_DELAYS_MS: readonly number[] = [500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

const [statusColumn, lastSyncedColumn] = SYNC_STATUS_COLUMNS;

/** The form's watch in progress; a later save replaces it. */
const watches = new WeakMap<Xrm.FormContext, { cancelled: boolean }>();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function timeOf(value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "string" && value !== "") return Date.parse(value);
  return null;
}

function versionOf(read: unknown): string | undefined {
  if (typeof read !== "object" || read === null) return undefined;
  const etag = (read as Readonly<Record<string, unknown>>)["@odata.etag"];
  return typeof etag === "string" ? etag : undefined;
}

/**
 * Whether a value read from the Web API equals what the form shows: the form holds dates as `Date`,
 * the Web API as ISO text.
 */
function sameValue(read: unknown, shown: unknown): boolean {
  if (shown instanceof Date) return timeOf(read) === shown.getTime();
  return (read ?? null) === (shown ?? null);
}

/**
 * The columns compared besides the sync columns: those SCM sends back (a new warehouse's type),
 * other than lookups, which the form holds as references, that the form shows.
 */
function comparedColumns(formContext: Xrm.FormContext, form: ScmForm): string[] {
  return form.map.columns.filter(
    (column) => !form.map.lookups.includes(column) && formContext.getAttribute(column) !== null,
  );
}

/** The row as the server has it now differs from what the form shows. */
function differs(formContext: Xrm.FormContext, form: ScmForm, read: unknown): boolean {
  if (typeof read !== "object" || read === null) return false;
  const row = read as Readonly<Record<string, unknown>>;
  const shown = (column: string): unknown => formContext.getAttribute(column)?.getValue();
  if (
    !sameValue(row[statusColumn], shown(statusColumn)) ||
    !sameValue(row[lastSyncedColumn], shown(lastSyncedColumn))
  ) {
    return true;
  }
  return comparedColumns(formContext, form).some((column) => column in row && !sameValue(row[column], shown(column)));
}

/** Whether the form shows the sync columns at all (tables without them have nothing to wait for). */
export function watchesSync(formContext: Xrm.FormContext, form: ScmForm): boolean {
  return statusColumn in form.table.columns && formContext.getAttribute(statusColumn) !== null;
}

/**
 * Starts re-reading the saved row (see the file comment). Resolves when the watch ends; never
 * rejects: a failed read only skips that round.
 */
export async function watchSync(formContext: Xrm.FormContext, form: ScmForm): Promise<void> {
  const id = bareGuid(formContext.data.entity.getId());
  if (id === "" || !watchesSync(formContext, form)) return;
  const previous = watches.get(formContext);
  if (previous !== undefined) previous.cancelled = true;
  const watch = { cancelled: false };
  watches.set(formContext, watch);
  // Another save started a watch of its own, or the form shows another row now.
  const superseded = (): boolean => watch.cancelled || bareGuid(formContext.data.entity.getId()) !== id;
  // The row's version at the previous read: SCM's side may land within the second the status was
  // stamped in (Dataverse's date and time columns keep whole seconds), so a change of the row's
  // version (`@odata.etag`, PA `powerapps-docs/developer/data-platform/webapi/perform-conditional-operations-using-web-api.md`)
  // counts too.
  let seenVersion: string | undefined;
  for (const delay of SYNC_WATCH_DELAYS_MS) {
    await sleep(delay);
    if (superseded()) return;
    // The user's edits stand: the form is refreshed only when it has none.
    if (formContext.data.entity.getIsDirty()) continue;
    try {
      const row: unknown = await Xrm.WebApi.retrieveRecord(
        form.table.logicalName,
        id,
        `?$select=${[statusColumn, lastSyncedColumn, ...comparedColumns(formContext, form)].join(",")}`,
      );
      if (superseded() || formContext.data.entity.getIsDirty()) continue;
      const version = versionOf(row);
      const changedSinceLastRead = seenVersion !== undefined && version !== undefined && version !== seenVersion;
      seenVersion = version ?? seenVersion;
      if (differs(formContext, form, row) || changedSinceLastRead) await formContext.data.refresh(false);
    } catch {
      // Unreachable or refused this time: the next round tries again.
    }
  }
  if (watches.get(formContext) === watch) watches.delete(formContext);
}
