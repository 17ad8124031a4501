/**
 * The sandbox's durability promise: a create the emulator answered 2xx survives the process being
 * killed (SIGKILL, no cleanup) right after. A file database runs WAL with synchronous NORMAL: a
 * commit reaches the operating system before the reply is written, so only a power loss or an OS
 * crash could lose the last commits (SQLite, "PRAGMA synchronous"), which a sandbox accepts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { cdmCompany, warehouse } from "@fsi/core";
import { DataverseStore } from "../storage/store";

const SERVER = `
const { startDataverseServer } = require(${JSON.stringify(path.join(__dirname, "..", "http-adapter"))});
startDataverseServer({ databasePath: process.argv[1] }).then((server) => console.log(server.apiUrl));
`;
const COMPANY = "00000000-0000-4000-8000-0000000000c1";
const CREATES = 40;

let folder: string;
let child: ChildProcess | undefined;

beforeAll(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), "fsi-dataverse-crash-"));
});

afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(folder, { recursive: true, force: true });
});

async function startChild(databasePath: string): Promise<string> {
  const started = spawn(process.execPath, ["--import", "tsx", "-e", SERVER, databasePath], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  child = started;
  const lines = createInterface({ input: started.stdout });
  for await (const line of lines) if (line.startsWith("http")) return line;
  throw new Error("the emulator process ended before it listened");
}

async function post(apiUrl: string, set: string, body: unknown): Promise<number> {
  const reply = await fetch(`${apiUrl}${set}`, {
    method: "POST",
    headers: { authorization: "Bearer crash", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await reply.arrayBuffer();
  return reply.status;
}

describe("a file database killed with the process", () => {
  it("keeps every create it answered 2xx", async () => {
    const databasePath = path.join(folder, "dataverse.sqlite");
    const apiUrl = await startChild(databasePath);
    expect(
      await post(apiUrl, "cdm_companies", { cdm_companyid: COMPANY, cdm_name: "US", cdm_companycode: "usmf" }),
    ).toBe(204);
    const answered = await Promise.all(
      Array.from({ length: CREATES }, (_, index) =>
        post(apiUrl, "msdyn_warehouses", {
          msdyn_name: `Crash ${index}`,
          msdyn_warehouseidentifier: `K${index}`,
          "msdyn_company@odata.bind": `/cdm_companies(${COMPANY})`,
        }),
      ),
    );
    expect(answered).toEqual(Array.from({ length: CREATES }, () => 204));
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child?.kill("SIGKILL");
    await exited;
    child = undefined;

    const store = new DataverseStore(databasePath, [cdmCompany, warehouse]);
    try {
      const names = store
        .all(
          store.reader,
          "SELECT msdyn_warehouseidentifier AS id FROM msdyn_warehouse ORDER BY msdyn_warehouseidentifier",
        )
        .map((row) => row.id);
      expect(names).toEqual(Array.from({ length: CREATES }, (_, index) => `K${index}`).sort());
    } finally {
      store.close();
    }
  });
});
