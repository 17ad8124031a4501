/**
 * Running `fsi` in-process against the test environment (plugins-ts/__tests__/support), and the
 * seeding the CLI tests share: rows written as the integration user, so the live sync leaves them
 * on one side only — the situation an initial sync starts from.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  INTEGRATION,
  INTEGRATION_TOKEN,
  type Environment,
  type Reply,
  dataverseRequest,
  guidFromEntityId,
  httpRequest,
  scmRequest,
} from "../../__tests__/support/environment";
import { runFsi } from "../main";

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export interface TempDir {
  readonly path: string;
  remove(): void;
}

export function tempDir(prefix = "fsi-cli-"): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    remove: () => {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** The variables a shell would set to point `fsi` at the test's servers and state file. */
export function cliEnvironment(
  env: Pick<Environment, "dataverse" | "scmUrl">,
  dir: string,
  statePath: string,
): Record<string, string> {
  return {
    FSI_DATAVERSE_URL: env.dataverse.url,
    FSI_DATAVERSE_TOKEN: INTEGRATION_TOKEN,
    FSI_SCM_URL: env.scmUrl,
    FSI_INTEGRATION_USER_ID: INTEGRATION.id,
    FSI_STATE_PATH: statePath,
    FSI_INVENTORY_STATE_PATH: join(dir, "inventory.sqlite"),
  };
}

export async function fsi(
  variables: Readonly<Record<string, string>>,
  cwd: string,
  ...args: string[]
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runFsi(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: variables,
    cwd,
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** A Dataverse write as the integration user: the live sync treats it as its own echo. */
export async function fsAsIntegration(env: Environment, method: string, path: string, body?: unknown): Promise<Reply> {
  const reply = await dataverseRequest(env.dataverse.url, method, path, body, INTEGRATION_TOKEN);
  if (reply.status >= 300) throw new Error(`${method} ${path} failed: ${reply.status} ${JSON.stringify(reply.json)}`);
  return reply;
}

export async function createFs(env: Environment, entitySet: string, body: Record<string, unknown>): Promise<string> {
  return guidFromEntityId((await fsAsIntegration(env, "POST", entitySet, body)).headers);
}

/** An SCM write whose data event is lost (the emulator's loss switch): a row only SCM has, as an initial sync finds it. */
export async function scmWithoutEvent(env: Environment, method: string, path: string, body?: unknown): Promise<Reply> {
  await httpRequest(`${env.scmUrl}/admin/event-delivery`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ loseNext: 1 }),
  });
  const reply = await scmRequest(env.scmUrl, method, path, body);
  if (reply.status >= 300)
    throw new Error(`SCM ${method} ${path} failed: ${reply.status} ${JSON.stringify(reply.json)}`);
  return reply;
}

/** Every row of an SCM collection across companies. */
export async function scmRows(env: Environment, collection: string): Promise<Record<string, unknown>[]> {
  const reply = await scmRequest(env.scmUrl, "GET", `${collection}?cross-company=true`);
  return (reply.json as { value: Record<string, unknown>[] }).value;
}

/** Every row of a Dataverse entity set (admin). */
export async function fsRows(env: Environment, entitySet: string): Promise<Record<string, unknown>[]> {
  const reply = await dataverseRequest(env.dataverse.url, "GET", entitySet);
  return (reply.json as { value: Record<string, unknown>[] }).value;
}

export const TRANSIT = 192350002;
export const DEFAULT = 192350000;

/**
 * The throttling tests' starting point, on bare emulators: company usmf in Dataverse and `count`
 * modes of delivery (`M-0`, `M-1`, ...) only in SCM, for an SCM → FS initial sync to carry over.
 */
export async function seedModesOnlyInScm(dataverseUrl: string, scmUrl: string, count: number): Promise<void> {
  const company = await dataverseRequest(dataverseUrl, "POST", "cdm_companies", {
    cdm_name: "Contoso USA",
    cdm_companycode: "usmf",
  });
  if (company.status !== 204)
    throw new Error(`creating company usmf failed: ${company.status} ${JSON.stringify(company.json)}`);
  for (let n = 0; n < count; n += 1) {
    const created = await scmRequest(scmUrl, "POST", "ModesOfDelivery", {
      dataAreaId: "usmf",
      ModeCode: `M-${n}`,
      ModeDescription: `Mode ${n}`,
    });
    if (created.status !== 201)
      throw new Error(`creating mode M-${n} in SCM failed: ${created.status} ${JSON.stringify(created.json)}`);
  }
}
