/**
 * The Dataverse emulator as a sandbox mount at `/api/data/v9.2`, its rows in
 * `<state>/dataverse.sqlite`. In the sandbox a request without a bearer token acts as the default
 * user, as a signed-in browser session does in a model-driven app.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { MountFactory } from "../server";
import { DataverseEmulator } from "./emulator";
import { dataverseRoute, WEB_API_PATH } from "./http-adapter";

export const dataverseMount: MountFactory = (context) => {
  const emulator = new DataverseEmulator({
    databasePath: context.stateDir === null ? ":memory:" : join(context.stateDir, "dataverse.sqlite"),
    requireAuthorization: false,
    log: context.log,
  });
  const route = dataverseRoute(emulator);
  return {
    prefix: WEB_API_PATH,
    handle: (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
      return Promise.resolve(
        route({ req, res, url, prefix: WEB_API_PATH, rest: url.pathname.slice(WEB_API_PATH.length) }),
      );
    },
    close: async () => {
      await emulator.idle();
      emulator.close();
    },
    tryPaths: [
      `${WEB_API_PATH}/WhoAmI`,
      `${WEB_API_PATH}/EntityDefinitions(LogicalName='msdyn_warehouse')?$select=LogicalName,EntitySetName&$expand=Attributes($select=LogicalName,AttributeType)`,
      `${WEB_API_PATH}/msdyn_warehouses?$select=msdyn_name,msdyn_warehouseidentifier&$top=10`,
    ],
  };
};
