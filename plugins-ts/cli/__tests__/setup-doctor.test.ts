/**
 * `fsi setup` and `fsi doctor` against the integrated sandbox started as an org right after
 * import (`npm start -- --no-keys`): no key on the service endpoints, no environment variable
 * values. doctor lists what is missing; setup sets it; doctor then finds nothing missing, and a
 * change flows both ways through the endpoints setup keyed. Removing one privilege from the
 * integration's role makes doctor report it, with the role that grants it.
 */
import { SANDBOX_SPA_CLIENT_ID, SANDBOX_VALIDATION_SCOPE } from "@fsi/sandbox/auth/entra";
import { type PluginsMount, SANDBOX_INTEGRATION_USER } from "@fsi/sandbox/auth/plugins-mount";
import { fixtureZip, type FixtureZip } from "@fsi/sandbox/formhost/__tests__/fixture-zip";
import { startSandbox, type Mount, type SandboxServer } from "@fsi/sandbox/server";
import { sandboxConnectionOf } from "@fsi/sandbox/start/connection";
import { SANDBOX_INTEGRATION_ADMIN_USER, SANDBOX_TECHNICIAN_USER } from "@fsi/sandbox/start/identities";
import { type DataverseMount, integratedMounts, isDataverseMount } from "@fsi/sandbox/start/mounts";
import { fsiIntegrationRole, rolePrivileges } from "@fsi/solution/components/security-roles";
import { writeSandboxConnection } from "../sandbox-connection";
import { runFsi } from "../main";
import { type TempDir, tempDir } from "./support";

jest.setTimeout(300_000);

let zip: FixtureZip;
let sandbox: SandboxServer;
let dir: TempDir;
let dataverse: DataverseMount;

const isPluginsMount = (mount: Mount): mount is PluginsMount => "entra" in mount;

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runFsi([...args, "--sandbox", dir.path], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: {},
    cwd: dir.path,
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function api(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.url}/api/data/v9.2/${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      authorization: "Bearer sandbox-admin",
      "content-type": "application/json",
      prefer: "return=representation",
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

async function scm(path: string, init: RequestInit = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.url}/scm/${path}`, init);
  const text = await response.text();
  return { status: response.status, json: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** Until SCM's outbox is empty: its data events go out after its write returned. */
async function scmEventsDelivered(): Promise<void> {
  for (let tries = 0; tries < 3000; tries += 1) {
    if (((await scm("admin/outbox")).json.value as unknown[]).length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  zip = await fixtureZip();
  dir = tempDir("fsi-setup-");
  sandbox = await startSandbox({
    port: 0,
    stateDir: null,
    mounts: integratedMounts({ solutionZip: zip.path, endpointKeys: "unset" }),
  });
  writeSandboxConnection(dir.path, sandboxConnectionOf(sandbox));
  const found = sandbox.mounts.find(isDataverseMount);
  if (found === undefined) throw new Error("no Dataverse mount");
  dataverse = found;
});

afterAll(async () => {
  await sandbox.close();
  zip.dispose();
  dir.remove();
});

function signInVariables(): string[] {
  const entra = sandbox.mounts.find(isPluginsMount)?.entra();
  if (entra === undefined) throw new Error("no Entra ID");
  return [
    "--variable",
    `fsi_EntraAuthority=${entra.authority}`,
    "--variable",
    `fsi_ValidationApiClientId=${SANDBOX_SPA_CLIENT_ID}`,
    "--variable",
    `fsi_ValidationApiScope=${SANDBOX_VALIDATION_SCOPE}`,
  ];
}

const people = ["--technician", SANDBOX_TECHNICIAN_USER.id, "--administrator", SANDBOX_INTEGRATION_ADMIN_USER.id];

describe("fsi setup and fsi doctor on a sandbox with no keys set", () => {
  it("doctor, before setup, lists each missing key and variable with its fix, and exits 1", async () => {
    const before = await run("doctor", ...people);
    expect(before.code).toBe(1);
    expect(before.out).toContain("fsi_sync-to-scm has no key");
    expect(before.out).toContain("fix: Run fsi setup (it sets the host's FSI_WEBHOOK_KEY on every endpoint).");
    expect(before.out).toContain("fsi_ValidationApiUrl has no value; it should be");
    expect(before.out).toContain("fsi_ValidationApiClientId has no value");
    // What an import brings is there: solutions, columns, roles.
    expect(before.out).not.toContain("[solutions]");
    expect(before.out).not.toContain("[columns]");
    expect(before.out).not.toContain("[privileges]");
    expect(before.out).not.toContain("[host]");
  });

  it("a Dataverse change is refused while the endpoints have no key", async () => {
    const [company] = (await api("cdm_companies?$select=cdm_companyid&$filter=cdm_companycode eq 'usmf'")).json
      .value as { cdm_companyid: string }[];
    const refused = await api("msdyn_shipvias", {
      body: { msdyn_name: "NOKEY", "msdyn_company@odata.bind": `/cdm_companies(${company?.cdm_companyid ?? ""})` },
    });
    expect(refused.status).toBe(400);
    expect((await scm("data/ModesOfDelivery(dataAreaId='usmf',ModeCode='NOKEY')")).status).toBe(404);
  });

  it("setup sets the keys and the variables; doctor then reports nothing missing", async () => {
    // The sandbox's connection file gives its tenant's sign-in values, as an admin would from Entra ID.
    const setup = await run("setup", ...people);
    expect(setup.err).toBe("");
    expect(setup.code).toBe(0);
    expect(setup.out).toContain("set [endpoints] fsi_sync-to-scm");
    expect(setup.out).toContain(`set [variables] fsi_ValidationApiUrl: set to ${sandbox.url}/plugins/validate`);
    expect(setup.out).toContain("Nothing missing.");
    // The key is the host's own: nothing generated, nothing printed.
    expect(setup.out).not.toContain("az keyvault secret set");
    const doctor = await run("doctor", ...people);
    expect([doctor.code, doctor.out]).toEqual([
      0,
      `fsi doctor: ${sandbox.url} (host ${sandbox.url})\nNothing missing.`,
    ]);
    const value = await api("RetrieveEnvironmentVariableValue(DefinitionSchemaName='fsi_ValidationApiClientId')");
    expect(value.json.Value).toBe(SANDBOX_SPA_CLIENT_ID);
    const authority = await api("RetrieveEnvironmentVariableValue(DefinitionSchemaName='fsi_EntraAuthority')");
    expect(authority.json.Value).toBe(signInVariables()[1]?.replace("fsi_EntraAuthority=", ""));
  });

  it("leaves the sandbox working: a change flows from Field Service to SCM and back", async () => {
    const [company] = (await api("cdm_companies?$select=cdm_companyid&$filter=cdm_companycode eq 'usmf'")).json
      .value as { cdm_companyid: string }[];
    const created = await api("msdyn_shipvias", {
      body: {
        msdyn_name: "SETUP1",
        msdyn_description: "Set up by fsi",
        "msdyn_company@odata.bind": `/cdm_companies(${company?.cdm_companyid ?? ""})`,
      },
    });
    expect(created.status).toBe(201);
    expect((await scm("data/ModesOfDelivery(dataAreaId='usmf',ModeCode='SETUP1')")).json).toMatchObject({
      ModeDescription: "Set up by fsi",
    });
    const edited = await scm("data/ModesOfDelivery(dataAreaId='usmf',ModeCode='SETUP1')", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ModeDescription: "Edited in SCM" }),
    });
    expect(edited.status).toBe(204);
    await scmEventsDelivered();
    const [row] = (await api("msdyn_shipvias?$select=msdyn_description&$filter=msdyn_name eq 'SETUP1'")).json.value as {
      msdyn_description: string;
    }[];
    expect(row?.msdyn_description).toBe("Edited in SCM");
  });

  it("doctor reports a privilege removed from the integration's role, with the role that grants it", async () => {
    const removed = "prvWritemsdyn_shipvia";
    dataverse.emulator.setPrivileges(
      SANDBOX_INTEGRATION_USER.id,
      rolePrivileges(fsiIntegrationRole).filter((name) => name !== removed),
    );
    try {
      const doctor = await run("doctor");
      expect(doctor.code).toBe(1);
      expect(doctor.out).toContain(
        `[privileges] the integration's application user lacks ${removed} (granted by FSI Integration:`,
      );
      expect(doctor.out).toContain(
        "fix: Assign the FSI Integration security role to the integration's application user",
      );
      expect(doctor.out.match(/\[privileges\]/g)).toHaveLength(1);
    } finally {
      dataverse.emulator.setPrivileges(SANDBOX_INTEGRATION_USER.id, rolePrivileges(fsiIntegrationRole));
    }
  });

  it("doctor reports an endpoint pointed elsewhere and a host that refuses the key it is given", async () => {
    const wrongHost = await run("doctor", "--host-url", "http://127.0.0.1:9");
    expect(wrongHost.code).toBe(1);
    expect(wrongHost.out).toContain("fsi_validate posts to");
    expect(wrongHost.out).toContain("The plug-in host does not answer at http://127.0.0.1:9/plugins/health");
    const out: string[] = [];
    const code = await runFsi(["doctor", "--sandbox", dir.path], {
      out: (line) => out.push(line),
      err: () => undefined,
      env: { FSI_WEBHOOK_KEY: "not-the-host-key-at-all" },
      cwd: dir.path,
    });
    expect(code).toBe(1);
    expect(out.join("\n")).toContain("The host refuses the webhook key (401).");
  });

  it("doctor reports a required solution that is not installed, with its fix", async () => {
    const [row] = (
      await api(
        "solutions?$select=solutionid,uniquename,friendlyname,version&$filter=uniquename eq 'Dynamics365AssetManagement'",
      )
    ).json.value as { solutionid: string; uniquename: string; friendlyname: string; version: string }[];
    expect(row).toBeDefined();
    expect((await api(`solutions(${row?.solutionid ?? ""})`, { method: "DELETE" })).status).toBe(204);
    try {
      const doctor = await run("doctor");
      expect(doctor.code).toBe(1);
      expect(doctor.out).toContain("[solutions] The solution Dynamics365AssetManagement is not installed");
      expect(doctor.out).toContain("fix: Install dual-write's application solutions for this package");
    } finally {
      await api("solutions", {
        body: { uniquename: row?.uniquename, friendlyname: row?.friendlyname, version: row?.version },
      });
    }
    expect((await run("doctor")).code).toBe(0);
  });

  it("refuses an unknown environment variable and a bad user id with exit code 2", async () => {
    expect((await run("setup", "--variable", "fsi_Nope=1")).code).toBe(2);
    expect((await run("doctor", "--technician", "not-a-guid")).code).toBe(2);
  });
});

describe("fsi setup against an org whose host keys it is not given", () => {
  it("generates the keys, prints them once as Key Vault commands, prints the host's settings on the managed-identity route, and says the host still lacks them", async () => {
    const elsewhere = tempDir("fsi-setup-org-");
    try {
      const out: string[] = [];
      const code = await runFsi(
        [
          "setup",
          "--sandbox",
          elsewhere.path,
          "--sign-in",
          "token",
          "--token",
          "sandbox-admin",
          "--key-vault",
          "fsi-kv",
          ...signInVariables(),
        ],
        {
          out: (line) => out.push(line),
          err: () => undefined,
          env: {
            FSI_DATAVERSE_URL: sandbox.url,
            FSI_HOST_URL: sandbox.url,
            FSI_INTEGRATION_USER_ID: SANDBOX_INTEGRATION_USER.id,
          },
          cwd: elsewhere.path,
        },
      );
      const text = out.join("\n");
      expect(code).toBe(1);
      expect(text).toMatch(
        /az keyvault secret set --vault-name fsi-kv --name fsi-webhook-key --value '[A-Za-z0-9_-]{43}'/,
      );
      expect(text).toMatch(
        /az keyvault secret set --vault-name fsi-kv --name fsi-scm-events-key --value '[A-Za-z0-9_-]{43}'/,
      );
      expect(text).toContain("FSI_CREDENTIAL=managed-identity");
      expect(text).toContain("FSI_WEBHOOK_KEY=@Microsoft.KeyVault(VaultName=fsi-kv;SecretName=fsi-webhook-key)");
      expect(text).not.toContain("FSI_CLIENT_SECRET");
      expect(text).toContain("The host does not have the webhook key fsi setup generated yet.");
      expect(text).toContain("The host does not have the SCM events key fsi setup generated yet.");
    } finally {
      elsewhere.remove();
    }
  });
});
