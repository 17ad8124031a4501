import type { MapModes } from "@fsi/core/maps/map-modes";

/** How the integration identifies itself and what it does when SCM does not answer. */
export interface IntegrationSettings {
  /** The Dataverse systemuserid of the integration's application user (the echo check compares it). */
  readonly integrationUserId: string;
  /** The SCM user the integration's Entra ID application is mapped to in SCM (named in errors). */
  readonly scmIntegrationUser: string;
  /**
   * Written to the `tag` parameter of every Dataverse write the integration makes; Dataverse copies
   * it into SharedVariables["tag"], the second echo marker (works even where the integration runs
   * as a user that also edits data by hand).
   */
  readonly echoTag: string;
  /**
   * SCM unreachable: `fail-closed` (default) refuses the Dataverse operation; `fail-open` lets it
   * through — validation passes with a warning and sync changes are queued for replay.
   */
  readonly scmUnavailablePolicy: "fail-closed" | "fail-open";
  /**
   * How records are checked against SCM's business logic before a save: `changeset` (default)
   * sends the mapped write in a `$batch` changeset SCM rolls back (standard OData, every
   * environment); `custom-service` asks the FsiValidationService custom service, which exists only
   * where its X++ code was deployed.
   */
  readonly scmValidation?: "changeset" | "custom-service";
  /**
   * Who syncs each two-way map here (`core/maps/map-modes.ts`): `fsi` (default), `dual-write`
   * (Microsoft's maps sync; ours validate before save and stay idle otherwise) or `off`.
   */
  readonly mapModes?: MapModes;
}

export const DEFAULT_ECHO_TAG = "fsi-integration";
export const DEFAULT_SCM_INTEGRATION_USER = "FSI-Integration";
