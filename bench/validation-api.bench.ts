/**
 * The validation API under load, against a no-op endpoint on the same host in the same run: the
 * load comes from a second process (autocannon's CLI), so the client's work does not slow the
 * server. A third endpoint on the same host calls SCM's validation directly (the same `$batch`
 * changeset the API sends, with the row already mapped): the API's overhead is its p50/p99 minus
 * that one's, and its throughput is compared with it. The no-op endpoint goes through the same `node:http` server and HTTP layer (body read
 * with the same limit, JSON reply), so the ratio is the cost of the API itself: token check, zod,
 * mapping, the Dataverse lookups and SCM's validation service (both emulators, in this process).
 * Also measured: sync latency both ways, one change at a time (Dataverse create → its SCM row
 * written by the synchronous step; SCM update → its Dataverse row written by the event handler).
 *
 * Run alone: `npx tsx bench/validation-api.bench.ts`.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { warehouses } from "@fsi/core/scm/entities";
import { parseJsonBody } from "@fsi/plugins/http-kit/body";
import { ScmClient } from "@fsi/plugins/services/scm-client";
import { fromNodeRequest, writeReply } from "@fsi/plugins/http-kit/node-adapter";
import {
  ADMIN,
  dataverseRequest,
  dataverseRowByKey,
  scmRequest,
  startEnvironment,
  settle,
} from "@fsi/plugins/__tests__/support/environment";

const run = promisify(execFile);

export interface ValidationApiBenchRow {
  readonly endpoint: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Requests per second of this row ÷ the baseline's; latency rows: 1. */
  readonly throughputRatio: number;
  /** The row this one is compared with. */
  readonly baseline: string;
  /** p50 and p99 minus the baseline's (ms); 0 for a baseline. */
  readonly overheadP50Ms: number;
  readonly overheadP99Ms: number;
  readonly errors: number;
}

interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

const CONNECTIONS = 10;
const DURATION_SECONDS = 4;
const NOOP_PATH = "/bench/noop";
const DIRECT_PATH = "/bench/scm-direct";

/** autocannon in a child process; its `--json` report. */
async function load(url: string, body: string, headers: Record<string, string>): Promise<LoadResult> {
  const cli = path.join(path.dirname(require.resolve("autocannon/package.json")), "autocannon.js");
  const args = [cli, "--json", "-c", String(CONNECTIONS), "-d", String(DURATION_SECONDS), "-m", "POST", "-b", body];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}=${value}`);
  args.push(url);
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  const report = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
  };
  return {
    requestsPerSecond: report.requests.average,
    p50Ms: report.latency.p50,
    p99Ms: report.latency.p99,
    errors: report.errors + report.non2xx,
  };
}

/** The SCM row the API maps the bench request to (warehouses map, Transit type, site S1). */
const directRow = {
  dataAreaId: "usmf",
  WarehouseId: "8001",
  WarehouseName: "Bench",
  OperationalSiteId: "S1",
  WarehouseType: "Transit",
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function timed(
  times: number,
  step: (index: number) => Promise<void>,
): Promise<{ p50Ms: number; p99Ms: number; perSecond: number }> {
  const samples: number[] = [];
  for (let index = 0; index < times; index += 1) {
    const start = process.hrtime.bigint();
    await step(index);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const total = samples.reduce((sum, sample) => sum + sample, 0);
  return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), perSecond: (1000 * samples.length) / total };
}

export async function validationApiBench(): Promise<ValidationApiBenchRow[]> {
  let scmUrl = "";
  const env = await startEnvironment({
    extendRouter: (router) => {
      router.on("POST", NOOP_PATH, async ({ req, res }) => {
        const request = fromNodeRequest(req);
        parseJsonBody(await request.readBody(1024 * 1024), "no-op");
        writeReply(res, { status: 200, json: { ok: true } });
      });
      // SCM's validation, called directly: the body is read and parsed as the API's is, then the
      // changeset goes to SCM with the row the API would have mapped (no token, zod or lookups).
      router.on("POST", DIRECT_PATH, async ({ req, res }) => {
        const request = fromNodeRequest(req);
        parseJsonBody(await request.readBody(1024 * 1024), "direct");
        const scm = new ScmClient({ url: scmUrl, integrationUser: "FSI-Integration" });
        const checked = await scm.validateInChangeset(
          warehouses,
          "create",
          { dataAreaId: "usmf", WarehouseId: "8001" },
          directRow,
        );
        writeReply(res, {
          status: checked.errors.length === 0 ? 200 : 422,
          json: { valid: checked.errors.length === 0 },
        });
      });
    },
  });
  scmUrl = env.scmUrl;
  try {
    await scmRequest(env.scmUrl, "POST", "OperationalSites", { dataAreaId: "usmf", SiteId: "S1", SiteName: "Seattle" });
    await settle(env);
    const site = await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'");
    const siteId = String(site?.msdyn_operationalsiteid);
    // Valid for its whole run: the bench outlasts nothing, but a token's default life is 5 min.
    const token = (await env.issuer.issueToken({ id: ADMIN.id }, { lifetimeSeconds: 600 })).access_token;
    const single = JSON.stringify({
      table: "msdyn_warehouse",
      operation: "create",
      company: "usmf",
      attributes: {
        msdyn_warehouseidentifier: "8001",
        msdyn_name: "8001",
        msdyn_description: "Bench",
        msdyn_warehousetype: 192350002,
        msdyn_operationalsite: { id: siteId, logicalName: "msdyn_operationalsite" },
      },
    });
    const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };

    const noop = await load(`${env.hostUrl}${NOOP_PATH}`, single, headers);
    const direct = await load(`${env.hostUrl}${DIRECT_PATH}`, single, headers);
    const validation = await load(`${env.hostUrl}/plugins/validate`, single, headers);

    // One at a time, alternated, so both see the same load: the overhead of one request alone.
    const alone = { api: [] as number[], direct: [] as number[] };
    for (let index = 0; index < 300; index += 1) {
      for (const [which, url] of [
        ["api", `${env.hostUrl}/plugins/validate`],
        ["direct", `${env.hostUrl}${DIRECT_PATH}`],
      ] as const) {
        const started = performance.now();
        const reply = await fetch(url, { method: "POST", headers, body: single });
        const answer = (await reply.json()) as { valid?: boolean };
        if (!reply.ok || answer.valid !== true)
          throw new Error(`${which} validation refused the bench row: ${reply.status} ${JSON.stringify(answer)}`);
        alone[which].push(performance.now() - started);
      }
    }
    // The one Dataverse request the API adds for this row: the site's SCM key from its GUID.
    const lookup: number[] = [];
    for (let index = 0; index < 300; index += 1) {
      const started = performance.now();
      const reply = await dataverseRequest(
        env.dataverse.url,
        "GET",
        `msdyn_operationalsites(${siteId})?$select=msdyn_siteid`,
      );
      if (reply.status !== 200) throw new Error(`site lookup failed: ${reply.status}`);
      lookup.push(performance.now() - started);
    }
    const aloneStats = (samples: number[]) => {
      const sorted = samples.slice(20).sort((a, b) => a - b);
      const mean = sorted.reduce((sum, sample) => sum + sample, 0) / sorted.length;
      return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), perSecond: 1000 / mean };
    };
    const apiAlone = aloneStats(alone.api);
    const directAlone = aloneStats(alone.direct);

    const company = `/cdm_companies(${env.companyId})`;
    const fsToScm = await timed(30, async (index) => {
      const reply = await dataverseRequest(env.dataverse.url, "POST", "msdyn_warehouses", {
        msdyn_name: String(8100 + index),
        msdyn_description: `Latency ${index}`,
        msdyn_warehouseidentifier: String(8100 + index),
        msdyn_warehousetype: 192350002,
        "msdyn_company@odata.bind": company,
        "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${siteId})`,
      });
      if (reply.status !== 204) throw new Error(`create failed: ${reply.status}`);
    });
    await env.dataverse.emulator.idle();
    const scmToFs = await timed(30, async (index) => {
      const reply = await scmRequest(
        env.scmUrl,
        "PATCH",
        `Warehouses(dataAreaId='usmf',WarehouseId='${8100 + index}')`,
        { WarehouseName: `Renamed ${index}` },
      );
      if (reply.status !== 204) throw new Error(`update failed: ${reply.status}`);
    });

    const two = (value: number) => Number(value.toFixed(2));
    const noopName = `POST ${NOOP_PATH} (no-op, same server)`;
    const directName = `POST ${DIRECT_PATH} (SCM's changeset validation called directly, same server), ${CONNECTIONS} connections`;
    const directAloneName = "SCM's changeset validation called directly, one request at a time";
    const compared = (
      endpoint: string,
      measured: LoadResult,
      baseline: string,
      base: LoadResult,
    ): ValidationApiBenchRow => ({
      endpoint,
      ...measured,
      throughputRatio: Number((measured.requestsPerSecond / base.requestsPerSecond).toFixed(3)),
      baseline,
      overheadP50Ms: two(measured.p50Ms - base.p50Ms),
      overheadP99Ms: two(measured.p99Ms - base.p99Ms),
    });
    const asLoad = (measured: { p50Ms: number; p99Ms: number; perSecond: number }): LoadResult => ({
      requestsPerSecond: Number(measured.perSecond.toFixed(1)),
      p50Ms: two(measured.p50Ms),
      p99Ms: two(measured.p99Ms),
      errors: 0,
    });
    const latencyRow = (
      endpoint: string,
      measured: { p50Ms: number; p99Ms: number; perSecond: number },
    ): ValidationApiBenchRow => ({
      endpoint,
      ...asLoad(measured),
      throughputRatio: 1,
      baseline: "— (absolute)",
      overheadP50Ms: 0,
      overheadP99Ms: 0,
    });
    return [
      compared(noopName, noop, noopName, noop),
      compared(directName, direct, noopName, noop),
      compared(`POST /plugins/validate (single request), ${CONNECTIONS} connections`, validation, directName, direct),
      compared(directAloneName, asLoad(directAlone), directAloneName, asLoad(directAlone)),
      compared("POST /plugins/validate, one request at a time", asLoad(apiAlone), directAloneName, asLoad(directAlone)),
      latencyRow(
        "the Dataverse lookup inside each validation (GET the site's msdyn_siteid), one at a time",
        aloneStats(lookup),
      ),
      latencyRow("sync latency FS → SCM (Dataverse create incl. SCM write), sequential", fsToScm),
      latencyRow("sync latency SCM → FS (SCM update incl. Dataverse upsert), sequential", scmToFs),
    ];
  } finally {
    await env.close();
  }
}

if (require.main === module) {
  validationApiBench().then(
    (rows) => {
      console.table(rows);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
