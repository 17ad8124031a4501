/**
 * Dataverse's service protection limits: the emulator allows the integration user two requests a
 * second and answers the rest 429 with `Retry-After`; the initial sync waits as told and finishes.
 */
import { createServer, type Server } from "node:http";
import { type DataverseServer, startDataverseServer } from "@fsi/sandbox/dataverse";
import { closeServer, listen } from "@fsi/sandbox/http";
import { type ScmEmulator, createScmEmulator } from "@fsi/sandbox/scm";
import {
  ADMIN,
  ADMIN_TOKEN,
  INTEGRATION,
  INTEGRATION_TOKEN,
  dataverseRequest,
} from "../../__tests__/support/environment";
import { type TempDir, cliEnvironment, fsi, seedModesOnlyInScm, tempDir } from "./support";

const MODES = 30;

let dataverse: DataverseServer;
let scm: ScmEmulator;
let scmServer: Server;
let scmUrl: string;
let dir: TempDir;

beforeAll(async () => {
  dir = tempDir();
  dataverse = await startDataverseServer({
    users: [ADMIN, INTEGRATION],
    tokens: { [ADMIN_TOKEN]: ADMIN.id, [INTEGRATION_TOKEN]: INTEGRATION.id },
    requestLimit: { maxRequests: 2, windowSeconds: 1 },
  });
  scm = createScmEmulator({ seed: false });
  scmServer = createServer((req, res) => void scm.handle(req, res));
  scmUrl = `${await listen(scmServer, 0)}/scm`;
  await seedModesOnlyInScm(dataverse.url, scmUrl, MODES);
});

afterAll(async () => {
  await dataverse.close();
  await closeServer(scmServer);
  await scm.close();
  dir.remove();
});

it("honours 429 Retry-After from Dataverse and still copies every row", async () => {
  const variables = cliEnvironment({ dataverse, scmUrl }, dir.path, `${dir.path}/plugins.sqlite`);
  const run = await fsi(
    variables,
    dir.path,
    "sync",
    "initial",
    "--map",
    "ship-vias",
    "--direction",
    "scm-to-fs",
    "--batch-size",
    "10",
  );
  expect(run.err).toBe("");
  expect(run.code).toBe(0);
  const throttled = /Throttled (\d+) times \(429\); waited ([\d.]+) s as Retry-After asked\./.exec(run.out);
  expect(Number(throttled?.[1])).toBeGreaterThan(0);
  expect(Number(throttled?.[2])).toBeGreaterThan(0);
  const rows = await dataverseRequest(dataverse.url, "GET", "msdyn_shipvias?$select=msdyn_name,msdyn_description");
  expect(rows.status).toBe(200);
  const names = (rows.json as { value: { msdyn_name: string; msdyn_description: string }[] }).value.map(
    (row) => `${row.msdyn_name}=${row.msdyn_description}`,
  );
  expect(names.sort()).toEqual(Array.from({ length: MODES }, (_, n) => `M-${n}=Mode ${n}`).sort());
});
