/**
 * A real Azure Storage server for tests: Azurite, Microsoft's storage emulator, from npm, started
 * on free ports with in-memory persistence (nothing on disk) and telemetry off. Each call starts a
 * separate server, so suites never share tables, queues or blobs.
 *
 * The connection string uses Azurite's well-known development account (devstoreaccount1), the one
 * Microsoft documents for the emulator: https://learn.microsoft.com/azure/storage/common/storage-use-azurite
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

/** Azurite's published development account; not a secret (documented for the emulator). */
const DEV_ACCOUNT = "devstoreaccount1";
const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteServer {
  /** Blob, queue and table endpoints of the development account. */
  readonly connectionString: string;
  readonly blobUrl: string;
  readonly queueUrl: string;
  readonly tableUrl: string;
  stop(): Promise<void>;
}

const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/[^\s]+)/g;

export async function startAzurite(): Promise<AzuriteServer> {
  const bin = path.join(__dirname, "..", "..", "node_modules", "azurite", "dist", "src", "azurite.js");
  const child = spawn(
    process.execPath,
    [
      bin,
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--disableProductStyleUrl",
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      "0",
      "--queueHost",
      "127.0.0.1",
      "--queuePort",
      "0",
      "--tableHost",
      "127.0.0.1",
      "--tablePort",
      "0",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const urls = await listeningUrls(child);
  const blobUrl = `${urls.Blob}/${DEV_ACCOUNT}`;
  const queueUrl = `${urls.Queue}/${DEV_ACCOUNT}`;
  const tableUrl = `${urls.Table}/${DEV_ACCOUNT}`;
  return {
    blobUrl,
    queueUrl,
    tableUrl,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
      `BlobEndpoint=${blobUrl};QueueEndpoint=${queueUrl};TableEndpoint=${tableUrl};`,
    stop: () => stopChild(child),
  };
}

function listeningUrls(child: ChildProcess): Promise<Record<"Blob" | "Queue" | "Table", string>> {
  return new Promise((resolve, reject) => {
    const found: Partial<Record<"Blob" | "Queue" | "Table", string>> = {};
    let output = "";
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      for (const match of output.matchAll(LISTENING)) found[match[1] as "Blob" | "Queue" | "Table"] = match[2];
      if (found.Blob && found.Queue && found.Table) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({ Blob: found.Blob, Queue: found.Queue, Table: found.Table });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      reject(new Error(`Azurite exited with code ${String(code)} before listening:\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => {
      resolve();
    });
    child.kill("SIGTERM");
  });
}
