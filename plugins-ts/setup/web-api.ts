/**
 * The few Dataverse Web API calls `fsi setup` and `fsi doctor` make, as documented: JSON in and
 * out, `{error:{code,message}}` on failure (Learn, "Compose HTTP requests and handle errors").
 */
import type { AccessTokenProvider } from "../http-kit/auth/host-credentials";

export class WebApiError extends Error {
  override readonly name = "WebApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Dataverse did not answer at all (network, DNS, sign-in). */
export class UnreachableError extends Error {
  override readonly name = "UnreachableError";
}

export type Json = Record<string, unknown>;

export class SetupWebApi {
  constructor(
    private readonly url: string,
    private readonly token: AccessTokenProvider,
  ) {}

  async call(method: "GET" | "POST" | "PATCH", path: string, body?: Json): Promise<Json> {
    let response: Response;
    try {
      const token = await this.token();
      response = await fetch(`${this.url}/api/data/v9.2/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          "odata-version": "4.0",
          "odata-maxversion": "4.0",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new UnreachableError(
        `Dataverse at ${this.url} did not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const text = await response.text();
    let json: Json = {};
    try {
      json = text === "" ? {} : (JSON.parse(text) as Json);
    } catch {
      json = {};
    }
    if (!response.ok) {
      const error = (json.error ?? {}) as { code?: unknown; message?: unknown };
      throw new WebApiError(
        response.status,
        typeof error.code === "string" ? error.code : "",
        typeof error.message === "string" ? error.message : `${method} ${path} answered ${response.status}`,
      );
    }
    return json;
  }

  async rows(path: string): Promise<Json[]> {
    const json = await this.call("GET", path);
    return Array.isArray(json.value) ? (json.value as Json[]) : [];
  }
}

export const odataString = (text: string): string => `'${text.replace(/'/g, "''")}'`;
