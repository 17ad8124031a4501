/// <reference types="xrm" />
/**
 * `Xrm.WebApi` over the Dataverse emulator's Web API, the way a model-driven app serves it to form
 * scripts: the same method names and arguments, JSON rows with every annotation
 * (`Prefer: odata.include-annotations="*"`), failures as the client API's error object
 * (`{ errorCode, message, code }`). `online.execute` runs functions, actions and the CRUD requests
 * dataverse-ify builds. Offline, every request carries `x-fsi-client-state: offline`, so the
 * emulator answers as the mobile app's offline store would (no `contains()`, no FetchXML), and
 * creates, updates and deletes are kept on the device and uploaded once back online
 * (`offline-uploads.ts`), as the mobile app does.
 */
import type { TableDefinition } from "@fsi/core/dataverse/schema";
import { OfflineUploads, type DeviceStorage, type QueuedUpload, type UploadOperation } from "./offline-uploads";

export const CLIENT_STATE_HEADER = "x-fsi-client-state";

export interface WebApiSettings {
  /** `http://127.0.0.1:8080/api/data/v9.2/` */
  readonly apiUrl: string;
  readonly token: string;
  readonly isOffline: () => boolean;
  /** Where changes made offline wait (the browser's localStorage: the device). */
  readonly deviceStorage: DeviceStorage;
  readonly tableByLogicalName: (logicalName: string) => TableDefinition | undefined;
}

/** The client API's error: `errorCode` is the platform's number, `code` its hex form. */
export class WebApiError extends Error {
  override readonly name = "WebApiError";
  constructor(
    message: string,
    readonly errorCode: number,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface DataverseErrorBody {
  readonly error?: { readonly code?: unknown; readonly message?: unknown };
}

async function errorOf(response: Response): Promise<WebApiError> {
  const text = await response.text();
  let body: DataverseErrorBody = {};
  try {
    body = JSON.parse(text) as DataverseErrorBody;
  } catch {
    body = {};
  }
  const code = typeof body.error?.code === "string" ? body.error.code : "";
  const message =
    typeof body.error?.message === "string" ? body.error.message : text || `${response.status} ${response.statusText}`;
  const errorCode = /^0x[0-9a-f]+$/i.test(code) ? Number.parseInt(code, 16) : response.status;
  return new WebApiError(message, errorCode, code, response.status);
}

/** The id in an `OData-EntityId` header (`.../accounts(00000000-...)`). */
export function idFromEntityIdHeader(headers: Headers): string {
  const match = /\(([0-9a-fA-F-]{36})\)\s*$/.exec(headers.get("odata-entityid") ?? "");
  if (match?.[1] === undefined)
    throw new WebApiError("The Web API did not say which row it created (no OData-EntityId).", 0, "", 0);
  return match[1].toLowerCase();
}

/** A GUID as the Web API takes it in a key: no braces, lower-case. */
export function bareId(id: string): string {
  return id.replace(/[{}]/g, "").toLowerCase();
}

function optionsText(options: string | undefined): string {
  if (options === undefined || options === "") return "";
  return options.startsWith("?") ? options : `?${options}`;
}

/** An OData literal for a function parameter, by its EDM type name. */
function functionLiteral(value: unknown, typeName: string): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") {
    return typeName === "Edm.Guid" ? bareId(value) : `'${value.replace(/'/g, "''")}'`;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  return `'${JSON.stringify(value).replace(/'/g, "''")}'`;
}

interface ExecuteMetadata {
  readonly boundParameter?: string | null;
  readonly parameterTypes: Readonly<Record<string, { readonly typeName: string; readonly structuralProperty: number }>>;
  readonly operationType?: number;
  readonly operationName: string;
}

interface ExecuteRequestLike {
  readonly getMetadata: () => ExecuteMetadata;
  readonly [parameter: string]: unknown;
}

function isExecuteRequest(value: unknown): value is ExecuteRequestLike {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { getMetadata?: unknown }).getMetadata === "function"
  );
}

/** `{ entityType, id }` of a bound request's `entity` parameter. */
function boundTarget(request: ExecuteRequestLike): { entityType: string; id: string } | undefined {
  const entity = request.entity;
  if (typeof entity !== "object" || entity === null) return undefined;
  const { entityType, id } = entity as { entityType?: unknown; id?: unknown };
  return typeof entityType === "string" && typeof id === "string" ? { entityType, id } : undefined;
}

export class SandboxWebApi {
  readonly online: {
    execute: (request: unknown) => Promise<Response>;
    executeMultiple: (requests: unknown[]) => Promise<Response[]>;
  } & SandboxWebApiCrud;
  readonly offline: SandboxWebApiCrud;
  /** Changes made while offline, waiting to upload. */
  readonly uploads: OfflineUploads;

  constructor(private readonly settings: WebApiSettings) {
    this.uploads = new OfflineUploads(settings.deviceStorage, (upload) => this.upload(upload));
    const crud = this.crud(settings.isOffline);
    this.online = {
      ...crud,
      execute: (request) => this.execute(request),
      executeMultiple: (requests) => this.executeMultiple(requests),
    };
    this.offline = this.crud(() => true);
  }

  createRecord(entityLogicalName: string, data: object): Promise<{ entityType: string; id: string }> {
    return this.crud(this.settings.isOffline).createRecord(entityLogicalName, data);
  }

  retrieveRecord(entityLogicalName: string, id: string, options?: string): Promise<Record<string, unknown>> {
    return this.crud(this.settings.isOffline).retrieveRecord(entityLogicalName, id, options);
  }

  retrieveMultipleRecords(
    entityLogicalName: string,
    options?: string,
    maxPageSize?: number,
  ): Promise<{ entities: Record<string, unknown>[]; nextLink?: string }> {
    return this.crud(this.settings.isOffline).retrieveMultipleRecords(entityLogicalName, options, maxPageSize);
  }

  updateRecord(entityLogicalName: string, id: string, data: object): Promise<{ entityType: string; id: string }> {
    return this.crud(this.settings.isOffline).updateRecord(entityLogicalName, id, data);
  }

  deleteRecord(entityLogicalName: string, id: string): Promise<{ entityType: string; id: string }> {
    return this.crud(this.settings.isOffline).deleteRecord(entityLogicalName, id);
  }

  /** Whether writes are kept on the device now (the app is offline) instead of sent. */
  keepsWritesOnDevice(): boolean {
    return this.settings.isOffline();
  }

  private keepOnDevice(
    entityLogicalName: string,
    id: string,
    operation: UploadOperation,
    data: object,
  ): { entityType: string; id: string } {
    const table = this.settings.tableByLogicalName(entityLogicalName);
    if (table === undefined)
      throw new WebApiError(
        `The entity ${entityLogicalName} does not exist in this environment.`,
        0x80040217,
        "0x80040217",
        404,
      );
    const body = { ...(data as Record<string, unknown>) };
    const name = body[table.primaryNameAttribute];
    const label =
      typeof name === "string" && name !== ""
        ? name
        : (this.uploads.waitingFor(entityLogicalName, id)?.label ?? table.displayName);
    this.uploads.enqueue({ table: entityLogicalName, id, operation, body, label });
    return { entityType: entityLogicalName, id };
  }

  /** Sends one change kept on the device, online. */
  private async upload(upload: QueuedUpload): Promise<void> {
    const entitySet = this.entitySet(upload.table);
    if (upload.operation === "create") await this.send("POST", entitySet, upload.body, false);
    else if (upload.operation === "update")
      await this.send("PATCH", `${entitySet}(${upload.id})`, upload.body, false, { "if-match": "*" });
    else await this.send("DELETE", `${entitySet}(${upload.id})`, undefined, false);
  }

  /** Every table the sandbox serves is available offline (the mobile offline profile holds them all). */
  isAvailableOffline(entityLogicalName: string): boolean {
    return this.settings.tableByLogicalName(entityLogicalName) !== undefined;
  }

  /** One Web API request; `path` is relative to the API root. */
  async send(
    method: string,
    path: string,
    body: unknown,
    offline: boolean,
    extraHeaders: Readonly<Record<string, string>> = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      accept: "application/json",
      authorization: `Bearer ${this.settings.token}`,
      "odata-version": "4.0",
      "odata-maxversion": "4.0",
      prefer: 'odata.include-annotations="*"',
      ...extraHeaders,
    };
    if (body !== undefined) headers["content-type"] ??= "application/json; charset=utf-8";
    if (offline) headers[CLIENT_STATE_HEADER] = "offline";
    const response = await fetch(new URL(path, this.settings.apiUrl), {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  entitySet(entityLogicalName: string): string {
    const table = this.settings.tableByLogicalName(entityLogicalName);
    if (table === undefined)
      throw new WebApiError(
        `The entity ${entityLogicalName} does not exist in this environment.`,
        0x80040217,
        "0x80040217",
        404,
      );
    return table.entitySetName;
  }

  private crud(isOffline: () => boolean): SandboxWebApiCrud {
    return {
      createRecord: async (entityLogicalName, data) => {
        if (this.keepsWritesOnDevice()) {
          // A row created offline gets its id on the device, and keeps it when uploaded.
          const table = this.settings.tableByLogicalName(entityLogicalName);
          const supplied =
            table === undefined ? undefined : (data as Record<string, unknown>)[table.primaryIdAttribute];
          const id = typeof supplied === "string" ? bareId(supplied) : crypto.randomUUID();
          return this.keepOnDevice(entityLogicalName, id, "create", {
            ...data,
            ...(table === undefined ? {} : { [table.primaryIdAttribute]: id }),
          });
        }
        const response = await this.send("POST", this.entitySet(entityLogicalName), data, isOffline());
        return { entityType: entityLogicalName, id: idFromEntityIdHeader(response.headers) };
      },
      retrieveRecord: async (entityLogicalName, id, options) => {
        const response = await this.send(
          "GET",
          `${this.entitySet(entityLogicalName)}(${bareId(id)})${optionsText(options)}`,
          undefined,
          isOffline(),
        );
        return (await response.json()) as Record<string, unknown>;
      },
      retrieveMultipleRecords: async (entityLogicalName, options, maxPageSize) => {
        const prefer: Record<string, string> =
          maxPageSize === undefined ? {} : { prefer: `odata.include-annotations="*",odata.maxpagesize=${maxPageSize}` };
        const response = await this.send(
          "GET",
          `${this.entitySet(entityLogicalName)}${optionsText(options)}`,
          undefined,
          isOffline(),
          prefer,
        );
        const page = (await response.json()) as { value?: Record<string, unknown>[]; "@odata.nextLink"?: string };
        const nextLink = page["@odata.nextLink"];
        return { entities: page.value ?? [], ...(nextLink === undefined ? {} : { nextLink }) };
      },
      updateRecord: async (entityLogicalName, id, data) => {
        if (this.keepsWritesOnDevice()) return this.keepOnDevice(entityLogicalName, bareId(id), "update", data);
        await this.send("PATCH", `${this.entitySet(entityLogicalName)}(${bareId(id)})`, data, isOffline(), {
          "if-match": "*",
        });
        return { entityType: entityLogicalName, id: bareId(id) };
      },
      deleteRecord: async (entityLogicalName, id) => {
        if (this.keepsWritesOnDevice()) return this.keepOnDevice(entityLogicalName, bareId(id), "delete", {});
        await this.send("DELETE", `${this.entitySet(entityLogicalName)}(${bareId(id)})`, undefined, isOffline());
        return { entityType: entityLogicalName, id: bareId(id) };
      },
    };
  }

  /** The path and body of one `execute` request (functions, actions, CRUD). */
  requestOf(request: unknown): { method: string; path: string; body: unknown } {
    if (!isExecuteRequest(request))
      throw new WebApiError("execute needs a request object with getMetadata().", 0x80040203, "0x80040203", 400);
    const metadata = request.getMetadata();
    const parameters = Object.entries(request).filter(
      ([name]) => name !== "getMetadata" && name !== "entity" && name in metadata.parameterTypes,
    );
    const target = metadata.boundParameter === "entity" ? boundTarget(request) : undefined;
    const prefix =
      target === undefined ? "" : `${this.entitySet(target.entityType)}(${bareId(target.id)})/Microsoft.Dynamics.CRM.`;
    switch (metadata.operationType ?? 0) {
      case 1: {
        const list = parameters.map(
          ([name, value]) => `${name}=${functionLiteral(value, metadata.parameterTypes[name]?.typeName ?? "")}`,
        );
        return { method: "GET", path: `${prefix}${metadata.operationName}(${list.join(",")})`, body: undefined };
      }
      case 2:
        return this.crudRequestOf(metadata.operationName, request);
      default:
        return { method: "POST", path: `${prefix}${metadata.operationName}`, body: Object.fromEntries(parameters) };
    }
  }

  private crudRequestOf(
    operation: string,
    request: ExecuteRequestLike,
  ): { method: string; path: string; body: unknown } {
    const etn = typeof request.etn === "string" ? request.etn : undefined;
    const id = typeof request.id === "string" ? request.id : undefined;
    const reference = request.entityReference as { entityType?: unknown; id?: unknown } | undefined;
    switch (operation) {
      case "Create":
        if (etn !== undefined) return { method: "POST", path: this.entitySet(etn), body: request.payload };
        break;
      case "Update":
        if (etn !== undefined && id !== undefined)
          return { method: "PATCH", path: `${this.entitySet(etn)}(${bareId(id)})`, body: request.payload };
        break;
      case "Retrieve":
        if (etn !== undefined && id !== undefined) {
          const columns = Array.isArray(request.columns) ? `?$select=${request.columns.join(",")}` : "";
          return { method: "GET", path: `${this.entitySet(etn)}(${bareId(id)})${columns}`, body: undefined };
        }
        break;
      case "Delete":
        if (typeof reference?.entityType === "string" && typeof reference.id === "string") {
          return {
            method: "DELETE",
            path: `${this.entitySet(reference.entityType)}(${bareId(reference.id)})`,
            body: undefined,
          };
        }
        break;
      default:
        throw new WebApiError(
          `The CRUD operation ${operation} is not one of Create, Retrieve, Update, Delete.`,
          0x80040203,
          "0x80040203",
          400,
        );
    }
    throw new WebApiError(
      `The ${operation} request lacks its target (etn, id or entityReference).`,
      0x80040203,
      "0x80040203",
      400,
    );
  }

  async execute(request: unknown): Promise<Response> {
    const { method, path, body } = this.requestOf(request);
    return this.send(method, path, body, this.settings.isOffline());
  }

  /**
   * Requests in order; an inner array is a change set, sent as one `$batch` change set so it
   * succeeds or fails as a whole (learn.microsoft.com, "Execute batch operations using the Web API").
   */
  async executeMultiple(requests: unknown[]): Promise<Response[]> {
    const responses: Response[] = [];
    for (const item of requests) {
      if (Array.isArray(item)) responses.push(...(await this.changeSet(item)));
      else responses.push(await this.execute(item));
    }
    return responses;
  }

  private async changeSet(requests: readonly unknown[]): Promise<Response[]> {
    const batch = `batch_${crypto.randomUUID()}`;
    const changeSet = `changeset_${crypto.randomUUID()}`;
    const apiPath = new URL(this.settings.apiUrl).pathname;
    const parts = requests.map((request, index) => {
      const { method, path, body } = this.requestOf(request);
      const json = body === undefined ? "" : JSON.stringify(body);
      return [
        `--${changeSet}`,
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        `Content-ID: ${index + 1}`,
        "",
        `${method} ${apiPath}${path} HTTP/1.1`,
        ...(body === undefined ? [] : ["Content-Type: application/json; type=entry"]),
        "",
        json,
      ].join("\r\n");
    });
    const text = [
      `--${batch}`,
      `Content-Type: multipart/mixed; boundary=${changeSet}`,
      "",
      ...parts,
      `--${changeSet}--`,
      `--${batch}--`,
      "",
    ].join("\r\n");
    const response = await this.send("POST", "$batch", text, this.settings.isOffline(), {
      "content-type": `multipart/mixed; boundary=${batch}`,
    });
    return parseBatchResponses(response.headers.get("content-type") ?? "", await response.text());
  }
}

export interface SandboxWebApiCrud {
  createRecord(entityLogicalName: string, data: object): Promise<{ entityType: string; id: string }>;
  retrieveRecord(entityLogicalName: string, id: string, options?: string): Promise<Record<string, unknown>>;
  retrieveMultipleRecords(
    entityLogicalName: string,
    options?: string,
    maxPageSize?: number,
  ): Promise<{ entities: Record<string, unknown>[]; nextLink?: string }>;
  updateRecord(entityLogicalName: string, id: string, data: object): Promise<{ entityType: string; id: string }>;
  deleteRecord(entityLogicalName: string, id: string): Promise<{ entityType: string; id: string }>;
}

/** The HTTP responses inside a `$batch` reply (nested change sets flattened, in order). */
export function parseBatchResponses(contentType: string, text: string): Response[] {
  const boundary = /boundary=([^;]+)/i.exec(contentType)?.[1]?.trim().replace(/^"|"$/g, "");
  if (boundary === undefined) return [];
  const responses: Response[] = [];
  for (const part of text.split(`--${boundary}`).slice(1)) {
    if (part.startsWith("--")) break;
    const [headerBlock = "", ...rest] = part.replace(/^\r?\n/, "").split(/\r?\n\r?\n/);
    const body = rest.join("\r\n\r\n");
    const partType = /content-type:\s*([^\r\n]+)/i.exec(headerBlock)?.[1] ?? "";
    if (/multipart\/mixed/i.test(partType)) {
      responses.push(...parseBatchResponses(partType, body));
      continue;
    }
    const [statusBlock = "", ...payload] = body.split(/\r?\n\r?\n/);
    const [statusLine = "", ...headerLines] = statusBlock.split(/\r?\n/);
    const status = Number(/^HTTP\/1\.1\s+(\d{3})/.exec(statusLine)?.[1] ?? "500");
    const headers = new Headers();
    for (const line of headerLines) {
      const separator = line.indexOf(":");
      if (separator > 0) headers.append(line.slice(0, separator).trim(), line.slice(separator + 1).trim());
    }
    const content = payload.join("\r\n\r\n").trim();
    responses.push(new Response(status === 204 || content === "" ? null : content, { status, headers }));
  }
  return responses;
}
