/**
 * (1) Validate — synchronous PreValidation step on Create and Update of the mapped tables. Merges
 * the Target with the pre image, maps the row with core and asks SCM's validation service. Any
 * problem → 422 (Dataverse cancels the save; the log lists the field errors, since Dataverse shows
 * only a generic message). SCM unreachable → 503 (fail closed) or a pass with a warning (fail open).
 */
import { changedMappedColumns } from "@fsi/core/maps/change-detection";
import type { ValidationIssue } from "@fsi/core/validation/contract";
import type { PluginExecutionContext } from "../context/execution-context";
import { isDataverseEcho } from "../integration/echo";
import { IntegrationError, describeIssues } from "../integration/errors";
import { validateWithScm } from "../integration/scm-validation";
import { ScmUnavailableError } from "../services/scm-client";
import { mapModeOf } from "@fsi/core/maps/map-modes";
import { executionRow, mappedTable } from "./execution-row";
import type { Plugin, PluginResult, PluginServices } from "./plugin";

export class ValidatePlugin implements Plugin {
  readonly name = "validate";

  async execute(context: PluginExecutionContext, services: PluginServices): Promise<PluginResult> {
    if (context.messageName !== "Create" && context.messageName !== "Update") {
      throw new IntegrationError(
        "UNSUPPORTED_MESSAGE",
        `The validate plug-in runs on Create and Update, not ${context.messageName}.`,
      );
    }
    if (isDataverseEcho(context, services.settings)) {
      return { outcome: "skipped", message: "Written by the integration from SCM, which has validated it." };
    }
    // Validation runs in `fsi` and `dual-write` modes (the rules are SCM's either way); `off` leaves the table alone.
    if (mapModeOf(services.settings.mapModes, mappedTable(context, services).map.name) === "off") {
      return { outcome: "skipped", message: "This map is off here." };
    }
    if (context.sizeExceeded) {
      // Trimmed for size (over 256 KB): the change is not in the context, and a read would return
      // the row before it. The save goes on; the row is checked by SCM when it is synced after its
      // commit (plugins/trimmed-context.ts), and a refusal lands on the catch-up list.
      services.log.warn("Context trimmed for size: the change is not validated before the save", {
        table: context.primaryEntityName,
        id: context.primaryEntityId,
      });
      return {
        outcome: "valid",
        message: "The context was trimmed for size; SCM checks the row when it is synced after the save.",
      };
    }
    const row = await executionRow(context, services);
    if (context.messageName === "Update" && changedMappedColumns(row.map, row.changes, row.before).length === 0) {
      return { outcome: "skipped", message: "No column SCM sees has changed." };
    }
    if (row.company === undefined) {
      const issue: ValidationIssue = {
        attribute: row.map.company.dataverse,
        code: "required",
        message: "The row must belong to a company.",
      };
      throw new IntegrationError("VALIDATION_FAILED", `${row.table.displayName} refused: ${issue.message}`, [issue]);
    }
    try {
      const issues = await validateWithScm(
        {
          map: row.map,
          operation: context.messageName === "Create" ? "create" : "update",
          company: row.company,
          record: row.record,
        },
        {
          ...services,
          ...(services.settings.scmValidation === undefined ? {} : { scmValidation: services.settings.scmValidation }),
        },
      );
      if (issues.length > 0) {
        services.log.warn("SCM refused the row", { table: row.table.logicalName, id: row.id, errors: issues });
        throw new IntegrationError(
          "VALIDATION_FAILED",
          `${row.table.displayName} refused by SCM: ${describeIssues(issues)}`,
          issues,
        );
      }
      return { outcome: "valid", message: "SCM accepts the row." };
    } catch (error) {
      if (!(error instanceof ScmUnavailableError)) throw error;
      if (services.settings.scmUnavailablePolicy === "fail-closed") {
        services.log.error("SCM unreachable; the save is refused (fail closed)", { reason: error.message });
        throw new IntegrationError(
          "SCM_UNAVAILABLE",
          `SCM could not validate the row, so it is not saved: ${error.message}`,
        );
      }
      services.log.warn("SCM unreachable; the save goes through unvalidated (fail open)", { reason: error.message });
      return {
        outcome: "valid",
        message: "SCM could not be reached; the row was not validated (fail open).",
        warnings: [{ code: "scmUnavailable", message: error.message }],
      };
    }
  }
}
