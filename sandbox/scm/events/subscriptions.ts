/** Registered business event subscribers, kept in SQLite so they survive a restart. */
import { randomUUID } from "node:crypto";
import type { ScmEventSubscription, ScmEventSubscriptionRequest } from "../../../core";
import type { ScmDatabase } from "../store/database";

interface SubscriptionRow {
  id: string;
  url: string;
  mode: "sync" | "async";
  entities: string | null;
  created_at: string;
}

export class SubscriptionStore {
  constructor(private readonly db: ScmDatabase) {}

  add(request: ScmEventSubscriptionRequest): ScmEventSubscription {
    const subscription: ScmEventSubscription = {
      id: randomUUID(),
      url: request.url,
      mode: request.mode,
      ...(request.entities === undefined ? {} : { entities: request.entities }),
      createdAt: new Date().toISOString(),
    };
    this.db
      .prepare("INSERT INTO _subscriptions (id, url, mode, entities, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(subscription.id, subscription.url, subscription.mode, request.entities === undefined ? null : JSON.stringify(request.entities), subscription.createdAt);
    return subscription;
  }

  list(): ScmEventSubscription[] {
    return this.db
      .prepare<[], SubscriptionRow>("SELECT * FROM _subscriptions ORDER BY created_at, rowid")
      .all()
      .map(toSubscription);
  }

  get(id: string): ScmEventSubscription | undefined {
    const row = this.db.prepare<[string], SubscriptionRow>("SELECT * FROM _subscriptions WHERE id = ?").get(id);
    return row === undefined ? undefined : toSubscription(row);
  }

  /** Removes a subscriber and its undelivered events; false when there was none. */
  remove(id: string): boolean {
    return this.db.prepare("DELETE FROM _subscriptions WHERE id = ?").run(id).changes > 0;
  }

  /** Subscribers of `mode` that want events of `collection`, in registration order. */
  matching(collection: string, mode: "sync" | "async"): ScmEventSubscription[] {
    return this.list().filter((subscription) => subscription.mode === mode && (subscription.entities?.includes(collection) ?? true));
  }
}

function toSubscription(row: SubscriptionRow): ScmEventSubscription {
  const entities = row.entities === null ? undefined : (JSON.parse(row.entities) as string[]);
  return { id: row.id, url: row.url, mode: row.mode, ...(entities === undefined ? {} : { entities }), createdAt: row.created_at };
}
