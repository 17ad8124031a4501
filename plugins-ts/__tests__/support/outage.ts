/**
 * The set-up the SCM outage tests share: the test environment with a fault proxy between the
 * plug-in host and SCM (Dataverse and the tests reach SCM directly), short SCM timeouts so "slow"
 * costs a fraction of a second, an operational site every warehouse points to, and the faults a
 * network and a struggling SCM produce.
 */
import type { IntegrationSettings } from "../../integration/settings";
import {
  ADMIN,
  type Environment,
  type EnvironmentOptions,
  type Reply,
  dataverseRequest,
  dataverseRowByKey,
  httpRequest,
  scmRequest,
  settle,
  startEnvironment,
} from "./environment";
import { type FaultMode, type FaultProxy, type ProxiedRequest, startFaultProxy } from "./fault-proxy";

/** The host's SCM timeout per attempt (webhook steps and the validation API alike). */
export const SCM_TIMEOUT_MS = 300;

export const SCM_FAULTS: readonly (readonly [string, FaultMode])[] = [
  ["down (connection cut)", { kind: "down" }],
  ["slow (answers after the timeout)", { kind: "slow", delayMs: SCM_TIMEOUT_MS * 2 }],
  ["answering 500", { kind: "status", status: 500 }],
  ["answering 503", { kind: "status", status: 503 }],
  // An hour: a synchronous step must not wait for it (the test would time out if it did).
  ["answering 503 with Retry-After", { kind: "status", status: 503, retryAfter: "3600" }],
  ["dropping the connection after forwarding", { kind: "drop-after-forward" }],
];

/** SCM's OData writes (not reads, not the validation changesets on `$batch`). */
export const scmDataWrites = (request: ProxiedRequest): boolean =>
  request.method !== "GET" && request.url.startsWith("/scm/data/") && !request.url.startsWith("/scm/data/$batch");

export interface OutageSetup {
  readonly env: Environment;
  readonly proxy: FaultProxy;
  readonly siteId: string;
  close(): Promise<void>;
}

export async function startOutageEnvironment(
  policy: IntegrationSettings["scmUnavailablePolicy"],
  options: EnvironmentOptions = {},
): Promise<OutageSetup> {
  let proxy: FaultProxy | undefined;
  const env = await startEnvironment({
    scmUnavailablePolicy: policy,
    scmTimeoutMs: SCM_TIMEOUT_MS,
    validationScmTimeoutMs: SCM_TIMEOUT_MS,
    ...options,
    scmUrlForHost: async (scmUrl) => {
      proxy = await startFaultProxy(new URL(scmUrl).origin);
      return `${proxy.url}/scm`;
    },
  });
  if (proxy === undefined) throw new Error("the fault proxy did not start");
  const started = proxy;
  expect(
    (
      await scmRequest(env.scmUrl, "POST", "OperationalSites", {
        dataAreaId: "usmf",
        SiteId: "S1",
        SiteName: "Seattle",
      })
    ).status,
  ).toBe(201);
  await settle(env);
  const site = await dataverseRowByKey(env, "msdyn_operationalsites", "msdyn_siteid eq 'S1'");
  if (site === undefined) throw new Error("the site did not reach Dataverse");
  return {
    env,
    proxy: started,
    siteId: String(site.msdyn_operationalsiteid),
    close: async () => {
      await env.close();
      await started.close();
    },
  };
}

export function warehouseBody(
  setup: OutageSetup,
  identifier: string,
  name = `Warehouse ${identifier}`,
): Record<string, unknown> {
  // Microsoft's naming (the warehouses map's default): the id in msdyn_name, the name in msdyn_description.
  return {
    msdyn_name: identifier,
    msdyn_description: name,
    msdyn_warehouseidentifier: identifier,
    msdyn_warehousetype: 192350002,
    "msdyn_company@odata.bind": `/cdm_companies(${setup.env.companyId})`,
    "msdyn_operationalsite@odata.bind": `/msdyn_operationalsites(${setup.siteId})`,
  };
}

/** Creates a warehouse in Dataverse as a person would (through the live sync); answers its id. */
export async function createWarehouse(setup: OutageSetup, identifier: string, name?: string): Promise<string> {
  const created = await dataverseRequest(
    setup.env.dataverse.url,
    "POST",
    "msdyn_warehouses",
    warehouseBody(setup, identifier, name),
  );
  if (created.status !== 204)
    throw new Error(`create ${identifier}: ${created.status} ${JSON.stringify(created.json)}`);
  return String(
    (await dataverseRowByKey(setup.env, "msdyn_warehouses", `msdyn_warehouseidentifier eq '${identifier}'`))
      ?.msdyn_warehouseid,
  );
}

/** What a form's OnSave check asks the validation API (a signed-in user's token). */
export async function askValidationApi(env: Environment, name: string): Promise<Reply> {
  const token = (await env.issuer.issueToken({ id: ADMIN.id })).access_token;
  return httpRequest(`${env.hostUrl}/plugins/validate`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      table: "msdyn_shipvia",
      operation: "create",
      company: "usmf",
      attributes: { msdyn_name: name },
    }),
  });
}

export function errorCode(reply: Reply): unknown {
  return (reply.json as { error?: { code?: unknown } } | undefined)?.error?.code;
}
