/**
 * A data event endpoint that records every event SCM sends and accepts it: the tests' window onto
 * what SCM raised, after commit.
 */
import { createServer } from "node:http";
import type { ScmDataChange } from "@fsi/core/scm/data-events";
import { closeServer, listen } from "@fsi/sandbox/http";
import { parseScmDataEvent } from "../../integration/scm-data-event";

export interface EventRecorder {
  readonly events: ScmDataChange[];
  /** The bodies as received, in the same order: to deliver again, late or twice. */
  readonly bodies: string[];
  /** Resolves once SCM has delivered every event it raised so far (its outbox is empty). */
  drained(): Promise<void>;
  close(): Promise<void>;
}

export async function recordScmEvents(scmUrl: string): Promise<EventRecorder> {
  const events: ScmDataChange[] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      events.push(parseScmDataEvent(JSON.parse(body)));
      bodies.push(body);
      res.writeHead(200).end();
    });
  });
  const url = await listen(server, 0);
  const subscribed = await fetch(`${scmUrl}/admin/event-endpoints`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${url}/events` }),
  });
  if (subscribed.status !== 201) throw new Error(`recorder endpoint failed: ${subscribed.status}`);
  const drained = async (): Promise<void> => {
    for (let tries = 0; tries < 2000; tries += 1) {
      const outbox = (await (await fetch(`${scmUrl}/admin/outbox`)).json()) as { value: unknown[] };
      if (outbox.value.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error("SCM still has undelivered data events");
  };
  return { events, bodies, drained, close: () => closeServer(server) };
}
