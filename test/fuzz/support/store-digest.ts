/**
 * "Nothing written": a digest of every table of a SQLite database (row counts and a hash of the
 * rows), taken before and after a refused request. A difference names the tables that changed.
 */
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";

export interface StoreDigest {
  readonly counts: Readonly<Record<string, number>>;
  readonly hash: string;
}

/** SCM's data event outbox drains on its own after every commit: delivery state, not data. */
const DELIVERY_QUEUES = new Set(["_event_outbox"]);

export function digestOf(db: Database.Database): StoreDigest {
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).filter((table) => !DELIVERY_QUEUES.has(table.name));
  const hash = createHash("sha256");
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const rows = db
      .prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`)
      .raw()
      .all() as unknown[][];
    const lines = rows
      .map((row) =>
        JSON.stringify(row, (_key, value: unknown) =>
          typeof value === "bigint" ? value.toString() : Buffer.isBuffer(value) ? value.toString("hex") : value,
        ),
      )
      .sort();
    counts[name] = rows.length;
    hash.update(`${name}\n${lines.join("\n")}\n`);
  }
  return { counts, hash: hash.digest("hex") };
}

/** The tables whose rows differ between two digests of named stores (empty when nothing changed). */
export function changedStores(
  before: Readonly<Record<string, StoreDigest>>,
  after: Readonly<Record<string, StoreDigest>>,
): string[] {
  const changed: string[] = [];
  for (const [store, digest] of Object.entries(before)) {
    const later = after[store];
    if (later === undefined || later.hash === digest.hash) continue;
    const tables = new Set([...Object.keys(digest.counts), ...Object.keys(later.counts)]);
    const counts = [...tables]
      .filter((table) => digest.counts[table] !== later.counts[table])
      .map((table) => `${table} ${String(digest.counts[table] ?? 0)}→${String(later.counts[table] ?? 0)}`);
    changed.push(`${store}${counts.length > 0 ? ` (${counts.join(", ")})` : " (rows changed in place)"}`);
  }
  return changed;
}
