/**
 * The HTTPS endpoints data events are sent to, and which entities' events each receives (in F&O:
 * an endpoint on the Business events page, and the data events activated for it in the data event
 * catalog). Kept in SQLite so they survive a restart. There is no synchronous kind: F&O sends data
 * events after the change committed, and nothing an endpoint answers can undo it.
 */
import { randomUUID } from "node:crypto";
import type { ScmEventEndpoint, ScmEventEndpointRequest } from "@fsi/core";
import type { ScmDatabase } from "../store/database";

interface EndpointRow {
  id: string;
  url: string;
  entities: string | null;
  created_at: string;
}

export class EventEndpointStore {
  constructor(private readonly db: ScmDatabase) {}

  add(request: ScmEventEndpointRequest): ScmEventEndpoint {
    const endpoint: ScmEventEndpoint = {
      id: randomUUID(),
      url: request.url,
      ...(request.entities === undefined ? {} : { entities: request.entities }),
      createdAt: new Date().toISOString(),
    };
    this.db
      .prepare("INSERT INTO _event_endpoints (id, url, entities, created_at) VALUES (?, ?, ?, ?)")
      .run(
        endpoint.id,
        endpoint.url,
        request.entities === undefined ? null : JSON.stringify(request.entities),
        endpoint.createdAt,
      );
    return endpoint;
  }

  list(): ScmEventEndpoint[] {
    return this.db
      .prepare<[], EndpointRow>("SELECT * FROM _event_endpoints ORDER BY created_at, rowid")
      .all()
      .map(toEndpoint);
  }

  get(id: string): ScmEventEndpoint | undefined {
    const row = this.db.prepare<[string], EndpointRow>("SELECT * FROM _event_endpoints WHERE id = ?").get(id);
    return row === undefined ? undefined : toEndpoint(row);
  }

  /** Removes an endpoint and its undelivered events; false when there was none. */
  remove(id: string): boolean {
    return this.db.prepare("DELETE FROM _event_endpoints WHERE id = ?").run(id).changes > 0;
  }

  /** The endpoints that receive events of `collection`. */
  matching(collection: string): ScmEventEndpoint[] {
    return this.list().filter((endpoint) => endpoint.entities?.includes(collection) ?? true);
  }
}

function toEndpoint(row: EndpointRow): ScmEventEndpoint {
  const entities = row.entities === null ? undefined : (JSON.parse(row.entities) as string[]);
  return { id: row.id, url: row.url, ...(entities === undefined ? {} : { entities }), createdAt: row.created_at };
}
