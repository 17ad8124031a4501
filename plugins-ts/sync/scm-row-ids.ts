/* eslint-disable @typescript-eslint/require-await -- synchronous SQLite under the asynchronous state-store interface */
/**
 * The virtual table GUIDs of SCM rows this host has seen in data events, with their natural keys.
 * A data event's GUID is built from the entity and the row's RecId (UO `power-platform/entity-modeling.md`),
 * so it is no OData key; this memory lets an event that carries only the GUID (a delete, if SCM
 * sends only the id) still be applied. Kept in the host's state database.
 */
import type { SyncDatabase } from "./sync-database";
import type { ScmRowIdStore } from "./state-store";

export class ScmRowIds implements ScmRowIdStore {
  constructor(private readonly db: SyncDatabase) {
    db.exec(
      "CREATE TABLE IF NOT EXISTS scm_row_ids (entity TEXT NOT NULL, id TEXT NOT NULL, row_key TEXT NOT NULL, PRIMARY KEY (entity, id))",
    );
  }

  async remember(collection: string, id: string, key: Readonly<Record<string, string>>): Promise<void> {
    this.db
      .prepare(
        "INSERT INTO scm_row_ids (entity, id, row_key) VALUES (?, ?, ?) ON CONFLICT (entity, id) DO UPDATE SET row_key = excluded.row_key",
      )
      .run(collection, id.toLowerCase(), JSON.stringify(key));
  }

  async keyOf(collection: string, id: string): Promise<Record<string, string> | undefined> {
    const row = this.db
      .prepare<[string, string], { row_key: string }>("SELECT row_key FROM scm_row_ids WHERE entity = ? AND id = ?")
      .get(collection, id.toLowerCase());
    return row === undefined ? undefined : (JSON.parse(row.row_key) as Record<string, string>);
  }
}
