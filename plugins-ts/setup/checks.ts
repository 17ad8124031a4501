/**
 * The checks `fsi doctor` makes, and `fsi setup` makes after fixing what it can: sign-in, the
 * required solutions and columns (metadata: `EntityDefinitions(LogicalName='…')/Attributes`), the
 * service endpoints (URL, authentication type, `isauthvalueset` — the key itself is never
 * readable, PA `reference/entities/serviceendpoint.md`), the environment variable values, the host
 * (reachable, and accepting the keys through its keyed probe), and the privileges of the
 * integration's application user and of named technicians and administrators
 * (`systemusers(<id>)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`). Each problem comes with
 * its fix. `mode: "setup"` sets the endpoints' URL and key and the variables' values first.
 */
import { randomBytes } from "node:crypto";
import {
  environmentVariableDefinition,
  environmentVariableValue,
  ServiceEndpointAuthType,
} from "@fsi/core/dataverse/tables";
import { globalPrivileges } from "@fsi/core/dataverse/privileges";
import { toWebApiBody } from "@fsi/core/dataverse/record";
import type { EntityMap } from "@fsi/core/maps/template-schema";
import type { SecurityRoleDefinition } from "@fsi/solution/components/security-roles";
import {
  type RolePrivilege,
  privilegesOf,
  requiredColumns,
  requiredEndpoints,
  requiredSolutions,
  roles,
  shippedVariables,
  variablesNeedingAValue,
} from "./requirements";
import { SetupConfigurationError, type SetupSettings } from "./settings";
import { type Json, type SetupWebApi, UnreachableError, WebApiError, odataString } from "./web-api";

export type Area = "sign-in" | "solutions" | "columns" | "endpoints" | "variables" | "host" | "privileges";

export interface Finding {
  readonly area: Area;
  readonly subject: string;
  readonly problem: string;
  readonly fix: string;
}

export interface Change {
  readonly area: Area;
  readonly subject: string;
  readonly done: string;
}

export interface SetupReport {
  readonly signedInAs: string | undefined;
  readonly findings: readonly Finding[];
  readonly changes: readonly Change[];
  /** Keys `fsi setup` generated (the host must be given them); none when they were given. */
  readonly generated: { readonly webhookKey?: string; readonly scmEventsKey?: string };
}

export interface CheckOptions {
  readonly mode: "setup" | "doctor";
  readonly maps: readonly EntityMap[];
}

const newKey = (): string => randomBytes(32).toString("base64url");

const authTypes = {
  WebhookKey: ServiceEndpointAuthType.WebhookKey,
  HttpHeader: ServiceEndpointAuthType.HttpHeader,
  HttpQueryString: ServiceEndpointAuthType.HttpQueryString,
} as const;

const escapeXml = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** `authvalue` as Learn's "Register a WebHook" describes it: the key alone, or a settings list. */
function authValue(kind: keyof typeof authTypes, name: string, key: string): string {
  return kind === "WebhookKey"
    ? key
    : `<settings><setting name="${escapeXml(name)}" value="${escapeXml(key)}" /></settings>`;
}

export async function runChecks(
  settings: SetupSettings,
  api: SetupWebApi,
  options: CheckOptions,
): Promise<SetupReport> {
  const findings: Finding[] = [];
  const changes: Change[] = [];
  const setup = options.mode === "setup";
  const found = (area: Area, subject: string, problem: string, fix: string): void => {
    findings.push({ area, subject, problem, fix });
  };

  // Sign-in first: nothing else can be asked without it.
  let signedInAs: string | undefined;
  try {
    signedInAs = String((await api.call("GET", "WhoAmI")).UserId);
  } catch (error) {
    if (error instanceof UnreachableError) throw error;
    found(
      "sign-in",
      settings.dataverseUrl,
      `Dataverse refused the sign-in: ${error instanceof Error ? error.message : String(error)}`,
      "Sign in as the administrator who imported the solution (--sign-in device-code|interactive|azure-cli|client-secret|client-certificate; docs/deploy.md).",
    );
    return { signedInAs, findings, changes, generated: {} };
  }

  const generated: { webhookKey?: string; scmEventsKey?: string } = {};
  let webhookKey = settings.webhookAuth.key;
  let scmEventsKey = settings.scmEventsKey;
  if (setup && webhookKey === undefined) webhookKey = generated.webhookKey = newKey();
  if (setup && scmEventsKey === undefined) scmEventsKey = generated.scmEventsKey = newKey();

  await checkSolutions(api, options.maps, found);
  await checkColumns(api, options.maps, found);
  await checkEndpoints(settings, api, setup, webhookKey, found, changes);
  await checkVariables(settings, api, setup, found, changes);
  await checkHost(settings, webhookKey, scmEventsKey, generated, found);
  await checkPrivileges(settings, api, found);
  return { signedInAs, findings, changes, generated };
}

type Found = (area: Area, subject: string, problem: string, fix: string) => void;

async function checkSolutions(api: SetupWebApi, maps: readonly EntityMap[], found: Found): Promise<void> {
  for (const required of requiredSolutions(maps)) {
    const rows = await api.rows(
      `solutions?$select=uniquename,version&$filter=uniquename eq ${odataString(required.uniqueName)}`,
    );
    if (rows.length === 0) {
      found(
        "solutions",
        required.uniqueName,
        `The solution ${required.uniqueName} is not installed (needed for ${required.why}).`,
        required.uniqueName.startsWith("Dynamics365")
          ? "Install dual-write's application solutions for this package (Power Platform admin center > the environment > Dynamics 365 apps, or the dual-write setup in SCM), then import the toolkit's solution again."
          : "Install it in the environment (Power Platform admin center > the environment > Dynamics 365 apps / Solutions > Import), then run fsi setup again.",
      );
    }
  }
}

async function checkColumns(api: SetupWebApi, maps: readonly EntityMap[], found: Found): Promise<void> {
  for (const [table, columns] of requiredColumns(maps)) {
    let attributes: Json[];
    try {
      attributes = await api.rows(
        `EntityDefinitions(LogicalName=${odataString(table)})/Attributes?$select=LogicalName`,
      );
    } catch (error) {
      if (error instanceof WebApiError && error.status === 404) {
        found(
          "columns",
          table,
          `The table ${table} does not exist.`,
          "Install the solution that adds it (see the solutions above).",
        );
        continue;
      }
      throw error;
    }
    const present = new Set(attributes.map((attribute) => String(attribute.LogicalName)));
    const missing = [...columns].filter((column) => !present.has(column)).sort();
    if (missing.length > 0) {
      found(
        "columns",
        table,
        `${table} lacks ${missing.join(", ")}.`,
        missing.some((column) => column.startsWith("fsi_"))
          ? "Import the toolkit's solution (it adds the fsi_ columns), then run fsi setup again."
          : "Install the dual-write solution that adds these columns (see the solutions above), or override the map's columns (FSI_MAP_OVERRIDE_PATH).",
      );
    }
  }
}

async function checkEndpoints(
  settings: SetupSettings,
  api: SetupWebApi,
  setup: boolean,
  key: string | undefined,
  found: Found,
  changes: Change[],
): Promise<void> {
  const auth = settings.webhookAuth;
  for (const endpoint of requiredEndpoints(settings.hostUrl)) {
    const [row] = await api.rows(
      `serviceendpoints?$select=serviceendpointid,name,url,authtype,isauthvalueset&$filter=name eq ${odataString(endpoint.name)}`,
    );
    if (row === undefined) {
      found(
        "endpoints",
        endpoint.name,
        `The service endpoint ${endpoint.name} does not exist.`,
        "Import the toolkit's solution (it ships the endpoints and their steps).",
      );
      continue;
    }
    if (setup && key !== undefined) {
      // The key is always written: it cannot be read back to compare (authvalue is not readable).
      await api.call("PATCH", `serviceendpoints(${String(row.serviceendpointid)})`, {
        url: endpoint.url,
        authtype: authTypes[auth.kind],
        authvalue: authValue(auth.kind, auth.name, key),
      });
      changes.push({ area: "endpoints", subject: endpoint.name, done: `URL ${endpoint.url}, ${auth.kind} key set` });
      continue;
    }
    if (row.url !== endpoint.url)
      found(
        "endpoints",
        endpoint.name,
        `${endpoint.name} posts to ${String(row.url)}, not to the host (${endpoint.url}).`,
        "Run fsi setup --host-url <the host's origin>.",
      );
    if (row.authtype !== authTypes[auth.kind])
      found(
        "endpoints",
        endpoint.name,
        `${endpoint.name} authenticates with authtype ${String(row.authtype)}, the host expects ${auth.kind} (${authTypes[auth.kind]}).`,
        "Run fsi setup (with the host's FSI_WEBHOOK_AUTH).",
      );
    if (row.isauthvalueset !== true)
      found(
        "endpoints",
        endpoint.name,
        `${endpoint.name} has no key: Dataverse never exports one with a solution, so every step posting there is refused by the host.`,
        "Run fsi setup (it sets the host's FSI_WEBHOOK_KEY on every endpoint).",
      );
  }
}

async function checkVariables(
  settings: SetupSettings,
  api: SetupWebApi,
  setup: boolean,
  found: Found,
  changes: Change[],
): Promise<void> {
  for (const name of Object.keys(settings.variables)) {
    if (!shippedVariables.includes(name))
      throw new SetupConfigurationError(
        `--variable ${name}: the solution has no such environment variable; it has ${shippedVariables.join(", ")}.`,
      );
  }
  const desired: Record<string, string> = {
    fsi_ValidationApiUrl: `${settings.hostUrl}/plugins/validate`,
    ...settings.variables,
  };
  const definitions = await api.rows(
    `environmentvariabledefinitions?$select=environmentvariabledefinitionid,schemaname,defaultvalue`,
  );
  const values = await api.rows(
    `environmentvariablevalues?$select=environmentvariablevalueid,value,_environmentvariabledefinitionid_value`,
  );
  for (const name of shippedVariables) {
    const definition = definitions.find((row) => String(row.schemaname).toLowerCase() === name.toLowerCase());
    if (definition === undefined) {
      found(
        "variables",
        name,
        `The environment variable ${name} does not exist.`,
        "Import the toolkit's solution (it ships the definitions).",
      );
      continue;
    }
    const definitionId = String(definition.environmentvariabledefinitionid);
    const current = values.find((row) => row._environmentvariabledefinitionid_value === definitionId);
    const want = desired[name];
    if (want !== undefined && current?.value !== want) {
      if (setup) {
        if (current === undefined) {
          await api.call(
            "POST",
            environmentVariableValue.entitySetName,
            toWebApiBody(
              environmentVariableValue,
              {
                schemaname: name,
                value: want,
                environmentvariabledefinitionid: {
                  id: definitionId,
                  logicalName: environmentVariableDefinition.logicalName,
                },
              },
              "create",
            ),
          );
        } else {
          await api.call(
            "PATCH",
            `${environmentVariableValue.entitySetName}(${String(current.environmentvariablevalueid)})`,
            { value: want },
          );
        }
        changes.push({ area: "variables", subject: name, done: `set to ${want}` });
      } else {
        found(
          "variables",
          name,
          current === undefined
            ? `${name} has no value; it should be ${want}.`
            : `${name} is ${String(current.value)}; it should be ${want}.`,
          `Run fsi setup${name === "fsi_ValidationApiUrl" ? " --host-url <host origin>" : ` --variable ${name}=${want}`}.`,
        );
      }
      continue;
    }
    const needs = variablesNeedingAValue[name];
    if (want === undefined && needs !== undefined && current === undefined) {
      found(
        "variables",
        name,
        `${name} has no value (its default, ${String(definition.defaultvalue)}, is a placeholder).`,
        `Run fsi setup --variable ${name}=<${needs}>.`,
      );
    }
  }
}

async function probe(url: string, headers: Record<string, string> = {}): Promise<number | string> {
  try {
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function checkHost(
  settings: SetupSettings,
  webhookKey: string | undefined,
  scmEventsKey: string | undefined,
  generated: SetupReport["generated"],
  found: Found,
): Promise<void> {
  const host = settings.hostUrl;
  const health = await probe(`${host}/plugins/health`);
  if (health !== 200) {
    found(
      "host",
      host,
      `The plug-in host does not answer at ${host}/plugins/health (${String(health)}).`,
      "Start or deploy the host (docs/deploy.md), and give its origin with --host-url.",
    );
    return;
  }
  const auth = settings.webhookAuth;
  const keyFix = (setting: string, secret: string) =>
    `Give the host the same ${setting} (Key Vault secret ${secret}, referenced by the Function App's app setting; restart it), or give fsi the host's key (${setting} or --config) and run fsi setup again.`;
  if (webhookKey === undefined) {
    found(
      "host",
      "FSI_WEBHOOK_KEY",
      "The host's webhook key was not given, so the endpoints' key cannot be checked against the host.",
      "Give the host's FSI_WEBHOOK_KEY (from Key Vault) in the environment or --config.",
    );
  } else {
    const url = new URL(`${host}/plugins/probe/webhooks`);
    const headers: Record<string, string> = {};
    if (auth.kind === "HttpHeader") headers[auth.name] = webhookKey;
    else url.searchParams.set(auth.kind === "WebhookKey" ? "code" : auth.name, webhookKey);
    const status = await probe(url.toString(), headers);
    if (status !== 200)
      found(
        "host",
        "FSI_WEBHOOK_KEY",
        generated.webhookKey !== undefined
          ? "The host does not have the webhook key fsi setup generated yet."
          : `The host refuses the webhook key (${String(status)}).`,
        keyFix("FSI_WEBHOOK_KEY", "fsi-webhook-key"),
      );
  }
  if (scmEventsKey === undefined) {
    found(
      "host",
      "FSI_SCM_EVENTS_KEY",
      "The host's SCM events key was not given, so it cannot be checked.",
      "Give the host's FSI_SCM_EVENTS_KEY (from Key Vault) in the environment or --config.",
    );
  } else {
    const url = new URL(`${host}/plugins/probe/scm-events`);
    url.searchParams.set("code", scmEventsKey);
    const status = await probe(url.toString());
    if (status !== 200)
      found(
        "host",
        "FSI_SCM_EVENTS_KEY",
        generated.scmEventsKey !== undefined
          ? "The host does not have the SCM events key fsi setup generated yet."
          : `The host refuses the SCM events key (${String(status)}).`,
        `${keyFix("FSI_SCM_EVENTS_KEY", "fsi-scm-events-key")} SCM's data event endpoint must post to ${host}/plugins/scm-events?code=<the same key> (docs/deploy.md).`,
      );
  }
}

async function checkPrivileges(settings: SetupSettings, api: SetupWebApi, found: Found): Promise<void> {
  const people: [string, string, SecurityRoleDefinition][] = [
    [settings.integrationUserId, "the integration's application user", roles.integration],
    ...settings.technicians.map((id): [string, string, SecurityRoleDefinition] => [
      id,
      `technician ${id}`,
      roles.technician,
    ]),
    ...settings.administrators.map((id): [string, string, SecurityRoleDefinition] => [
      id,
      `administrator ${id}`,
      roles.administrator,
    ]),
  ];
  for (const [userId, who, role] of people) {
    let held: Json[];
    try {
      held = ((await api.call("GET", `systemusers(${userId})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`))
        .RolePrivileges ?? []) as Json[];
    } catch (error) {
      if (!(error instanceof WebApiError)) throw error;
      if (error.status === 404) {
        found(
          "privileges",
          who,
          `There is no user ${userId} in Dataverse.`,
          role === roles.integration
            ? "Create the application user for the host's identity (Power Platform admin center > the environment > Settings > Users + permissions > Application users), give it the FSI Integration role, and set FSI_INTEGRATION_USER_ID to its systemuserid."
            : "Check the systemuserid.",
        );
      } else {
        found(
          "privileges",
          who,
          `The privileges of ${who} cannot be read: ${error.message}`,
          "Sign in as someone allowed to read security roles (System Administrator).",
        );
      }
      continue;
    }
    const depthOf = new Map(held.map((privilege) => [String(privilege.PrivilegeName), String(privilege.Depth)]));
    for (const needed of privilegesOf(role)) {
      const depth = depthOf.get(needed.privilege);
      if (depth === undefined) {
        found(
          "privileges",
          who,
          `${who} lacks ${needed.privilege} (granted by ${needed.role}: ${needed.why})`,
          fixForMissing(needed, who),
        );
      } else if (depth !== "Global") {
        found(
          "privileges",
          who,
          `${who} holds ${needed.privilege} at ${depth} depth only; ${needed.role} grants it organization-wide (Global).`,
          `Assign the ${needed.role} security role to ${who}.`,
        );
      }
    }
  }
}

/**
 * A table privilege comes back with the role. The bypass privilege is not in the role designer
 * (PA `developer/data-platform/bypass-custom-business-logic.md`, "Adding the required privileges
 * to another role"): it is given to a role through the AddPrivilegesRole action.
 */
function fixForMissing(needed: RolePrivilege, who: string): string {
  const global = Object.values(globalPrivileges).find((privilege) => privilege.name === needed.privilege);
  if (global === undefined)
    return `Assign the ${needed.role} security role to ${who}, or give ${needed.privilege} back to the role if it was removed (the solution ships it).`;
  return `Assign the ${needed.role} security role to ${who}; if the role lacks ${needed.privilege} (the role designer does not list it), add it with POST roles(<role id>)/Microsoft.Dynamics.CRM.AddPrivilegesRole {"Privileges":[{"PrivilegeId":"${global.id}","Depth":"3"}]}. Without it \`fsi sync initial\` stops with PrivilegeDenied; \`--no-bypass\` runs it through every custom step instead (far slower).`;
}
