/**
 * A synchronous SCM business event subscriber that records every event and accepts it: the tests'
 * window onto what SCM raised (and who initiated it), delivered before SCM's write returns.
 */
import { createServer } from "node:http";
import type { ScmBusinessEvent } from "../../../core/scm/business-events";
import { closeServer, listen } from "../../../sandbox/http";

export interface EventRecorder {
  readonly events: ScmBusinessEvent[];
  close(): Promise<void>;
}

export async function recordScmEvents(scmUrl: string): Promise<EventRecorder> {
  const events: ScmBusinessEvent[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      events.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as ScmBusinessEvent);
      res.writeHead(200).end();
    });
  });
  const url = await listen(server, 0);
  const subscribed = await fetch(`${scmUrl}/admin/subscriptions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${url}/events`, mode: "sync" }),
  });
  if (subscribed.status !== 201) throw new Error(`recorder subscription failed: ${subscribed.status}`);
  return { events, close: () => closeServer(server) };
}
