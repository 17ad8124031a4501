/**
 * The natural keys the validation API has read for the rows a form's lookups point to, kept for a
 * short while. A form names a referenced row by its GUID (a lookup's value is id, entity type and
 * the row's primary name — Xrm `getValue()` on a lookup attribute), but SCM wants the row's natural
 * key (an operational site's `msdyn_siteid`, which is not its primary name `msdyn_name`), so each
 * answer would cost a Dataverse read. Forms validate rows that point to the same few sites and
 * companies over and over; a key read once is reused for `LOOKUP_KEY_TTL_MS`.
 *
 * The staleness this allows is bounded and harmless to the data: for at most that long after a
 * referenced row's key changes or the row is deleted, the API may still answer with the old key.
 * The API is the form's advice before a save; the Validate plug-in runs at the save itself, inside
 * Dataverse's transaction, and reads the key again (docs/design.md §5), so no save is ever accepted
 * on a stale key. A row that was not found is never kept: a site created a moment ago is found at
 * once.
 */
import type { ScmLookupQuery } from "@fsi/core/maps/lookups";
import { resolveScmLookups, type ScmLookupResolution } from "../integration/lookup-resolver";
import type { DataverseClient } from "../services/dataverse-client";

/** How long a natural key read from Dataverse answers for its row (the staleness bound). */
export const LOOKUP_KEY_TTL_MS = 30_000;
/** Beyond this many rows the oldest reads are dropped (memory stays bounded). */
export const LOOKUP_KEY_CACHE_ENTRIES = 10_000;

interface Entry {
  readonly key: string;
  readonly expires: number;
}

export class LookupKeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number = LOOKUP_KEY_TTL_MS,
    private readonly now: () => number = Date.now,
    private readonly maxEntries: number = LOOKUP_KEY_CACHE_ENTRIES,
  ) {}

  /** Answers each query from a fresh read kept here, else reads Dataverse (one request per query, as uncached). */
  async resolve(dataverse: DataverseClient, queries: readonly ScmLookupQuery[]): Promise<ScmLookupResolution> {
    const answers: Record<string, string> = {};
    const toRead: ScmLookupQuery[] = [];
    const now = this.now();
    for (const query of queries) {
      const kept = this.entries.get(entryName(query));
      if (kept !== undefined && kept.expires > now) answers[query.column] = kept.key;
      else toRead.push(query);
    }
    if (toRead.length === 0) return { answers, missing: [] };
    const read = await resolveScmLookups(dataverse, toRead);
    const readAt = this.now();
    for (const query of toRead) {
      const key = read.answers[query.column];
      if (key !== undefined) this.keep(entryName(query), { key, expires: readAt + this.ttlMs });
    }
    return { answers: { ...answers, ...read.answers }, missing: read.missing };
  }

  private keep(name: string, entry: Entry): void {
    this.entries.delete(name); // re-inserted last: the Map's order is the age order
    this.entries.set(name, entry);
    if (this.entries.size <= this.maxEntries) return;
    const oldest = this.entries.keys().next();
    if (oldest.done !== true) this.entries.delete(oldest.value);
  }
}

function entryName(query: ScmLookupQuery): string {
  return `${query.reference.logicalName}|${query.reference.id.toLowerCase()}|${query.keyColumn}`;
}
