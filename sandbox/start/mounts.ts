/**
 * Everything `npm start` runs on its one origin, wired as a real deployment is:
 * - `/scm` — the SCM emulator (seeded with its demo companies, sites, warehouses, assets, ...);
 * - `/api/data/v9.2` — the Dataverse emulator, knowing the sandbox's users, each holding exactly
 *   its security roles (`identities.ts`): the administrator who seeds it, the technician in the
 *   browser, the integration administrator who registers the steps and the integration's
 *   application user (so the plug-in host's own writes are echoes);
 * - `/plugins` — the plug-in host (its route table serves the inventory maps too), with the sandbox's
 *   Entra ID on an https port of its own; once listening it registers the
 *   solution's webhook steps (`solution/steps.ts`) against itself and subscribes to SCM's events;
 * - `/` — the form host, running the built solution zip.
 * Once all listen, the first run fills Dataverse to match SCM (`seed.ts`), and every run points
 * the solution's environment variables at this origin.
 */
import { join } from "node:path";
import { SANDBOX_SPA_CLIENT_ID, SANDBOX_VALIDATION_SCOPE } from "../auth/entra";
import {
  type PluginsMount,
  SANDBOX_INTEGRATION_TOKEN,
  SANDBOX_INTEGRATION_USER,
  createPluginsMount,
} from "../auth/plugins-mount";
import { DEFAULT_USER, DataverseEmulator, WEB_API_PATH, dataverseRoute } from "../dataverse";
import { fieldServicePlugins } from "../fieldservice";
import { createFormHost } from "../formhost";
import { type ScmEmulator, createScmEmulator } from "../scm";
import type { Mount, MountFactory } from "../server";
import {
  ADMIN_TOKEN,
  BROWSER_TOKEN,
  INTEGRATION_ADMIN_TOKEN,
  SANDBOX_INTEGRATION_ADMIN_USER,
  SANDBOX_TECHNICIAN_USER,
  sandboxPrivileges,
} from "./identities";
import { seedReferenceData, seedSandbox, setEnvironmentVariables } from "./seed";
import { sandboxInstalledSolutions } from "./installed-solutions";
import { solutionEndpointName, webhookStepDefinitions } from "@fsi/solution/steps";

export interface IntegratedSandboxOptions {
  readonly solutionZip: string;
  /**
   * `unset`: start as an org right after importing the solution (`npm start -- --no-keys`): the
   * service endpoints carry no key, the environment variables no value, and Dataverse holds only
   * what an org has before any sync (companies, accounts, products, units, asset lifecycle models)
   * — `fsi setup` and `fsi sync initial` do the rest. Default `set`: ready to use.
   */
  readonly endpointKeys?: "set" | "unset";
  /** Progress lines (seeding, registrations). */
  readonly progress?: (line: string) => void;
}

/** The Dataverse mount, with its emulator (tests change a user's privileges as an admin editing roles would). */
export interface DataverseMount extends Mount {
  readonly emulator: DataverseEmulator;
}

export const isDataverseMount = (mount: Mount): mount is DataverseMount => "emulator" in mount;

/** The parts the mounts share, filled as the factories run (in order). */
interface Parts {
  scm?: ScmEmulator;
  dataverse?: DataverseEmulator;
  plugins?: PluginsMount;
}

export function integratedMounts(options: IntegratedSandboxOptions): MountFactory[] {
  const parts: Parts = {};
  const progress = options.progress ?? (() => undefined);
  const endpointKeys = options.endpointKeys ?? "set";

  const scm: MountFactory = (context) => {
    const emulator = createScmEmulator({
      database: context.stateDir === null ? ":memory:" : join(context.stateDir, "scm.sqlite"),
      seed: context.seed,
      log: context.log,
    });
    parts.scm = emulator;
    return {
      prefix: emulator.prefix,
      handle: emulator.handle,
      close: emulator.close,
      tryPaths: [
        "/scm/data/Warehouses?$filter=PrimaryAddressCity eq 'Chicago'&$select=WarehouseId,WarehouseName",
        "/scm/admin/rules",
      ],
    };
  };

  const dataverse = (context: Parameters<MountFactory>[0]): DataverseMount => {
    const emulator = new DataverseEmulator({
      databasePath: context.stateDir === null ? ":memory:" : join(context.stateDir, "dataverse.sqlite"),
      users: [DEFAULT_USER, SANDBOX_TECHNICIAN_USER, SANDBOX_INTEGRATION_ADMIN_USER, SANDBOX_INTEGRATION_USER],
      tokens: {
        [ADMIN_TOKEN]: DEFAULT_USER.id,
        [BROWSER_TOKEN]: SANDBOX_TECHNICIAN_USER.id,
        [INTEGRATION_ADMIN_TOKEN]: SANDBOX_INTEGRATION_ADMIN_USER.id,
        [SANDBOX_INTEGRATION_TOKEN]: SANDBOX_INTEGRATION_USER.id,
      },
      // Each user holds exactly its security roles (identities.ts); the administrator holds System Administrator.
      privileges: sandboxPrivileges(),
      // As in a signed-in browser session, a request without a token acts as the default user.
      requireAuthorization: false,
      // Field Service is installed in the org: its own inventory logic runs in the pipeline.
      platformPlugins: fieldServicePlugins(),
      // ... and listed as a solution, with the dual-write solutions whose columns the tables carry, and ours.
      installedSolutions: sandboxInstalledSolutions(),
      log: context.log,
    });
    parts.dataverse = emulator;
    const route = dataverseRoute(emulator);
    return {
      emulator,
      prefix: WEB_API_PATH,
      handle: async (req, res) => {
        const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
        await route({ req, res, url, prefix: WEB_API_PATH, rest: url.pathname.slice(WEB_API_PATH.length) });
      },
      close: async () => {
        await emulator.idle();
        emulator.close();
      },
      tryPaths: [
        `${WEB_API_PATH}/msdyn_warehouses?$select=msdyn_name,msdyn_description,msdyn_warehouseidentifier&$top=10`,
      ],
    };
  };

  const plugins: MountFactory = async (context) => {
    // The steps the solution ships, exactly: what an import would register.
    // Entra ID on a port a browser can be told to trust once: 8443 beside 8080 (a free one beside port 0).
    const mount = await createPluginsMount({
      signedInUser: SANDBOX_TECHNICIAN_USER,
      // The steps are registered by the integration administrator, who holds FSI Administrator only.
      registrationToken: INTEGRATION_ADMIN_TOKEN,
      steps: () => webhookStepDefinitions(),
      endpointKeys,
      endpointName: solutionEndpointName,
      entraPort: (port) => (port === 0 ? 0 : port + 363),
    })(context);
    parts.plugins = mount;
    return mount;
  };

  const formHost: MountFactory = async (context): Promise<Mount> => {
    const host = await createFormHost({
      solutionZip: options.solutionZip,
      user: { id: SANDBOX_TECHNICIAN_USER.id, fullname: SANDBOX_TECHNICIAN_USER.fullname, languageId: 1033 },
      webApiToken: BROWSER_TOKEN,
    });
    return {
      prefix: "/",
      handle: host.handle,
      close: host.close,
      tryPaths: [
        "/",
        "/main.aspx?pagetype=entityrecord&etn=msdyn_warehouse",
        "/main.aspx?pagetype=entitylist&etn=msdyn_workorder",
        "/scm-admin",
      ],
      onListening: async (url) => {
        const { scm: scmEmulator, plugins: pluginsMount, dataverse: dataverseEmulator } = parts;
        if (scmEmulator === undefined || pluginsMount === undefined || dataverseEmulator === undefined) {
          throw new Error("The form host mount must come after the SCM, Dataverse and plug-in mounts.");
        }
        const entra = pluginsMount.entra();
        if (endpointKeys === "unset") {
          // The definitions an import creates, without values; what the org holds before any sync.
          await setEnvironmentVariables(
            url,
            host.solution.environmentVariables,
            undefined,
            undefined,
            "definitions-only",
          );
          if (context.seed) await seedReferenceData(url);
          return;
        }
        await setEnvironmentVariables(
          url,
          host.solution.environmentVariables,
          entra === undefined
            ? undefined
            : { authority: entra.authority, clientId: SANDBOX_SPA_CLIENT_ID, scope: SANDBOX_VALIDATION_SCOPE },
        );
        if (context.seed)
          await seedSandbox({ url, scm: scmEmulator, plugins: pluginsMount, dataverse: dataverseEmulator, progress });
      },
    };
  };

  return [scm, dataverse, plugins, formHost];
}
