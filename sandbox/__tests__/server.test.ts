import { sendJson } from "../http";
import { type MountFactory, scmMount, startSandbox } from "../server";

describe("sandbox server", () => {
  it("serves every mount on one origin and says what it serves on other paths", async () => {
    const echoMount: MountFactory = () => ({
      prefix: "/api/data/v9.2",
      handle: (req, res) => {
        sendJson(res, 200, { mount: "echo", path: req.url });
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    });
    const sandbox = await startSandbox({ port: 0, stateDir: null, mounts: [scmMount, echoMount] });
    try {
      const scm = await fetch(`${sandbox.url}/scm/data/Warehouses?$top=1`);
      expect(scm.status).toBe(200);
      const echo = await fetch(`${sandbox.url}/api/data/v9.2/accounts`);
      expect(await echo.json()).toEqual({ mount: "echo", path: "/api/data/v9.2/accounts" });
      const other = await fetch(`${sandbox.url}/elsewhere`);
      expect(other.status).toBe(404);
      expect(((await other.json()) as { error: { message: string } }).error.message).toContain(
        "/scm/, /api/data/v9.2/",
      );
    } finally {
      await sandbox.close();
    }
  });

  it("closes the mounts it opened when a later one fails to start", async () => {
    let closed = false;
    const first: MountFactory = () => ({
      prefix: "/first",
      handle: () => Promise.resolve(),
      close: () => {
        closed = true;
        return Promise.resolve();
      },
    });
    const broken: MountFactory = () => {
      throw new Error("cannot open database");
    };
    await expect(startSandbox({ port: 0, stateDir: null, mounts: [first, broken] })).rejects.toThrow(
      "cannot open database",
    );
    expect(closed).toBe(true);
  });
});
