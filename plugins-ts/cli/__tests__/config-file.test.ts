/**
 * The one config file reader of `fsi sync`, `fsi setup` and `fsi doctor` (`config-file.ts`): what it
 * accepts and refuses, and the precedence both commands share — flags over `FSI_*` variables over
 * the file — checked through each command's own settings.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setupSettings } from "../../setup/settings";
import { ConfigFileError, environmentWithConfigFile, readConfigFile } from "../config-file";
import { cliSettings } from "../config";

const USER = "a0000000-0000-4000-8000-0000000000f5";
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "fsi-config-file-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("readConfigFile", () => {
  it("reads one object of FSI_* settings, numbers and booleans as their text", () => {
    const path = writeConfig("host.json", { FSI_STATE_STORE: "azure", FSI_RETRY_INTERVAL_MS: 500, FSI_X: true });
    expect(readConfigFile(path)).toEqual({ FSI_STATE_STORE: "azure", FSI_RETRY_INTERVAL_MS: "500", FSI_X: "true" });
  });

  it("refuses what is not one object of FSI_* settings, naming the file and the problem", () => {
    const cases: [unknown, string][] = [
      ["{not json", "host.json: "],
      [["FSI_STATE_STORE"], "expected one JSON object of FSI_* settings"],
      [{ STATE: "azure" }, "'STATE' is not an FSI_* setting"],
      [{ FSI_STATE_STORE: { kind: "azure" } }, "FSI_STATE_STORE must be a string"],
    ];
    for (const [content, message] of cases) {
      const path = writeConfig("host.json", content);
      expect(() => readConfigFile(path)).toThrow(ConfigFileError);
      expect(() => readConfigFile(path)).toThrow(message);
    }
    expect(() => readConfigFile(join(dir, "missing.json"))).toThrow(/--config .*missing\.json: .*ENOENT/);
  });
});

describe("environmentWithConfigFile", () => {
  it("takes --config, else FSI_CONFIG, relative to the working folder; set variables override the file", () => {
    writeConfig("a.json", { FSI_SCM_URL: "https://a.example", FSI_STATE_STORE: "azure" });
    writeConfig("b.json", { FSI_SCM_URL: "https://b.example" });
    expect(environmentWithConfigFile("a.json", { FSI_CONFIG: "b.json" }, dir).FSI_SCM_URL).toBe("https://a.example");
    expect(environmentWithConfigFile(undefined, { FSI_CONFIG: "b.json" }, dir).FSI_SCM_URL).toBe("https://b.example");
    const env = environmentWithConfigFile("a.json", { FSI_SCM_URL: "https://env.example", FSI_STATE_STORE: " " }, dir);
    // A blank variable does not hide the file's value.
    expect([env.FSI_SCM_URL, env.FSI_STATE_STORE]).toEqual(["https://env.example", "azure"]);
    expect(environmentWithConfigFile(undefined, { FSI_SCM_URL: "https://env.example" }, dir)).toEqual({
      FSI_SCM_URL: "https://env.example",
    });
  });
});

describe("fsi sync and fsi setup/doctor read the file the same way", () => {
  const file = {
    FSI_DATAVERSE_URL: "https://file.crm.dynamics.com",
    FSI_DATAVERSE_TOKEN: "file-token",
    FSI_SCM_URL: "https://file.operations.dynamics.com",
    FSI_INTEGRATION_USER_ID: USER,
    FSI_STATE_PATH: "state.sqlite",
    FSI_HOST_URL: "https://fsi.azurewebsites.net",
    FSI_SIGN_IN: "azure-cli",
  };
  const noSandbox = join("no-sandbox-here");

  it("flags override variables, which override the file", () => {
    const path = writeConfig("host.json", file);
    const environment = { FSI_SCM_URL: "https://env.operations.dynamics.com", FSI_SANDBOX_DIR: noSandbox };
    const sync = cliSettings({ config: path }, environment, dir);
    const setup = setupSettings({ config: path }, environment, dir);
    expect(sync.connection.dataverse.url).toBe(file.FSI_DATAVERSE_URL);
    expect(setup.dataverseUrl).toBe(file.FSI_DATAVERSE_URL);
    expect(sync.env.FSI_SCM_URL).toBe("https://env.operations.dynamics.com");
    expect(setup.scmUrl).toBe("https://env.operations.dynamics.com");

    const flagged = "https://flag.crm.dynamics.com";
    expect(cliSettings({ config: path, dataverseUrl: flagged }, environment, dir).connection.dataverse.url).toBe(
      flagged,
    );
    expect(setupSettings({ config: path, dataverseUrl: flagged }, environment, dir).dataverseUrl).toBe(flagged);
  });

  it("both refuse a bad file with the same message", () => {
    const path = writeConfig("bad.json", { STATE: "azure" });
    const environment = { FSI_SANDBOX_DIR: noSandbox };
    expect(() => cliSettings({ config: path }, environment, dir)).toThrow(
      `--config ${path}: 'STATE' is not an FSI_* setting.`,
    );
    expect(() => setupSettings({ config: path }, environment, dir)).toThrow(
      `--config ${path}: 'STATE' is not an FSI_* setting.`,
    );
  });
});
