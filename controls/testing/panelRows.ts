/**
 * Rows and a small validation API for the ScmIntegrationPanel tests: a warehouse in the Web API's
 * JSON shape, its company, the signed-in user, the environment variables (the API's URL and the
 * sign-in settings), and an HTTP server on 127.0.0.1:0 that checks every request against core's
 * contract (zod) the way the real API does, and its bearer token (`token-<n>`, what the tests' sign-in
 * library issues).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  validationRequestSchema,
  type ValidationRequest,
  type ValidationResponse,
} from "@fsi/core/validation/contract";
import type { WebApiEntity } from "../shared/services/webApi";
import { environmentVariableRows, guidFor } from "./warehouseRows";

const formatted = "@OData.Community.Display.V1.FormattedValue";
const lookupTable = "@Microsoft.Dynamics.CRM.lookuplogicalname";

export const panelIds = {
  warehouse: guidFor(0x3a, 77),
  company: guidFor(0xc0, 1),
  site: guidFor(0x51, 1),
  transit: guidFor(0x3a, 78),
};

export function savedWarehouse(overrides: Record<string, unknown> = {}): WebApiEntity {
  return {
    msdyn_warehouseid: panelIds.warehouse,
    // Microsoft's naming (the warehouses map's default): SCM's id in msdyn_name, never sent to SCM.
    msdyn_name: "CHI-01",
    msdyn_warehouseidentifier: "CHI-01",
    msdyn_description: "Chicago Main",
    msdyn_warehousetype: 192350000,
    [`msdyn_warehousetype${formatted}`]: "Default",
    _msdyn_operationalsite_value: panelIds.site,
    [`_msdyn_operationalsite_value${lookupTable}`]: "msdyn_operationalsite",
    [`_msdyn_operationalsite_value${formatted}`]: "Site 1",
    _msdyn_transitwarehouse_value: panelIds.transit,
    [`_msdyn_transitwarehouse_value${lookupTable}`]: "msdyn_warehouse",
    [`_msdyn_transitwarehouse_value${formatted}`]: "Transit",
    _msdyn_quarantinewarehouse_value: null,
    _msdyn_mainrefillingwarehouse_value: null,
    msdyn_primaryaddressstreet: "1 Main St",
    msdyn_primaryaddresscity: "Chicago",
    msdyn_primaryaddressstateid: "IL",
    msdyn_primaryaddresszipcode: "60601",
    msdyn_primaryaddresscountryregionid: "USA",
    msdyn_primaryaddresslatitude: 41.88,
    msdyn_primaryaddresslongitude: -87.63,
    _msdyn_company_value: panelIds.company,
    [`_msdyn_company_value${lookupTable}`]: "cdm_company",
    createdon: "2025-01-01T00:00:00Z",
    versionnumber: 1234,
    fsi_scmsyncstatus: 716900003,
    ...overrides,
  };
}

/** The sign-in settings the panel reads (the sandbox tenant's values). */
export const panelSignIn = {
  authority: "https://login.microsoftonline.com/5a4d0000-0000-4000-8000-00000000f5f5",
  clientId: "5a4d0000-0000-4000-8000-0000000000c1",
  scope: "api://fsi-validation/Validate.Records",
  userId: guidFor(0x55, 1),
  userName: "dana@contoso.test",
  // An absolute redirect URI (Entra matches it exactly), never fetched.
  // eslint-disable-next-line @microsoft/power-apps/use-cached-webresource
  redirectUri: "https://contoso.crm.dynamics.com/WebResources/fsi_/auth/redirect.html",
};

export function panelTables(apiUrl: string | null, signIn: boolean = true): Record<string, WebApiEntity[]> {
  const url = environmentVariableRows("fsi_ValidationApiUrl", guidFor(0xe0, 1), null, apiUrl);
  const variables = signIn
    ? [
        environmentVariableRows("fsi_EntraAuthority", guidFor(0xe0, 2), panelSignIn.authority, null),
        environmentVariableRows("fsi_ValidationApiClientId", guidFor(0xe0, 3), panelSignIn.clientId, null),
        environmentVariableRows("fsi_ValidationApiScope", guidFor(0xe0, 4), panelSignIn.scope, null),
      ]
    : [];
  return {
    msdyn_warehouse: [savedWarehouse()],
    cdm_company: [{ cdm_companyid: panelIds.company, cdm_name: "Contoso USA", cdm_companycode: "usmf" }],
    systemuser: [{ systemuserid: panelSignIn.userId, domainname: panelSignIn.userName }],
    environmentvariabledefinition: [...url.definitions, ...variables.flatMap((rows) => rows.definitions)],
    environmentvariablevalue: [
      ...url.values,
      ...variables.flatMap((rows, index) =>
        rows.values.map((row) => ({ ...row, environmentvariablevalueid: guidFor(0xe7, index + 2) })),
      ),
    ],
  };
}

export type Rule = (request: ValidationRequest) => ValidationResponse;

export interface FakeValidationApi {
  readonly url: string;
  readonly requests: ValidationRequest[];
  readonly authorizations: (string | undefined)[];
  /** What the next POSTs answer: a rule, or a status with a body. */
  answer: Rule | { readonly status: number; readonly body: string } | "hang";
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, status: number, payload: string): void {
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(payload);
}

export async function startFakeValidationApi(rule: Rule): Promise<FakeValidationApi> {
  const hanging: ServerResponse[] = [];
  const api: Omit<FakeValidationApi, "url" | "close"> = {
    requests: [],
    authorizations: [],
    answer: rule,
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      if (request.method !== "POST" || request.url !== "/plugins/validate") {
        send(response, 404, JSON.stringify({ error: "not found" }));
        return;
      }
      const authorization = request.headers.authorization;
      api.authorizations.push(authorization);
      const token = authorization?.replace(/^Bearer /, "");
      if (!token?.startsWith("token-")) {
        send(response, 401, JSON.stringify({ error: "missing or unknown bearer token" }));
        return;
      }
      const parsed = validationRequestSchema.safeParse(JSON.parse(await body(request)));
      if (!parsed.success) {
        send(response, 400, JSON.stringify({ error: parsed.error.message }));
        return;
      }
      api.requests.push(parsed.data);
      const answer = api.answer;
      if (answer === "hang") {
        hanging.push(response);
        return;
      }
      if (typeof answer === "function") {
        send(response, 200, JSON.stringify(answer(parsed.data)));
        return;
      }
      send(response, answer.status, answer.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(api, {
    url: `http://127.0.0.1:${port}/plugins/validate`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.close(() => {
          resolve();
        });
      }),
  });
}
