import * as React from "react";
import type { AttributeValue } from "@fsi/core/validation/contract";
import { ControlRoot } from "../shared/components/ControlRoot";
import { layoutFor } from "../shared/layout";
import { firstLookup, recordFromContext, stringsFromContext, themeFromContext } from "../shared/pcf";
import { ScmIntegrationPanelView, type ScmIntegrationPanelProps } from "./components/ScmIntegrationPanelView";
import type { PanelStringKey } from "./components/strings";
import { columnLabelsFrom } from "./services/columnLabels";
import { createScmCheckService, type CheckOutcome, type ScmCheckService } from "./services/scmCheck";
import { isIntegrationTable } from "./services/scmMaps";
import { createValidationClient } from "./services/validationClient";
import { msalSignIn } from "@fsi/forms/sign-in/msal-sign-in";
import { redirectPageName } from "@fsi/forms/lib/sign-in-contract";
import { SYNC_WATCH_DELAYS_MS } from "@fsi/forms/lib/sync-watch";
import type { IInputs, IOutputs } from "./generated/ManifestTypes";

/** How long the form keeps re-reading a saved row for SCM's side (the form scripts' watch). */
const firstSyncWaitMs = SYNC_WATCH_DELAYS_MS.reduce((sum, delay) => sum + delay, 0);

/** Well under the platform's 10 s per OnSave promise, the budget the form scripts work to as well. */
const validationTimeoutMs = 8000;

/**
 * ScmIntegrationPanel — the lifecycle only: `init` builds the check service, `updateView` turns the
 * context into the panel's props, `destroy` makes later answers go nowhere. The panel writes no
 * column, so it has no outputs.
 */
export class ScmIntegrationPanel implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private service: ScmCheckService | undefined;
  /** The row's id as the last updateView saw it: null while the form shows a new, unsaved row. */
  private seenId: string | null | undefined;
  /** Until when a row first saved in this form waits for its first sync (epoch ms). */
  private firstSyncUntil: number | null = null;

  public init(context: ComponentFramework.Context<IInputs>, _notifyOutputChanged?: () => void): void {
    context.mode.trackContainerResize(true);
    this.service = createScmCheckService(
      context.webAPI,
      // MSAL is bundled: a code component cannot load a web resource library, only the platform's.
      createValidationClient((url, init) => fetch(url, init), validationTimeoutMs, msalSignIn),
      columnLabelsFrom(context.utils),
      {
        userId: context.userSettings.userId,
        // The control runs on the org's own origin, where the solution's redirect page is.
        redirectUri: `${window.location.origin}/WebResources/${redirectPageName}`,
        canSignInInteractively: context.client.getClient() !== "Mobile",
      },
    );
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    return React.createElement(
      ControlRoot,
      { theme: themeFromContext(context) },
      React.createElement(ScmIntegrationPanelView, this.props(context)),
    );
  }

  public getOutputs(): IOutputs {
    return {};
  }

  public destroy(): void {
    this.service = undefined;
  }

  private props(context: ComponentFramework.Context<IInputs>): ScmIntegrationPanelProps {
    const { parameters } = context;
    const record = recordFromContext(context);
    const table = record && isIntegrationTable(record.entityTypeName) ? record.entityTypeName : null;
    const company = firstLookup(parameters.company);
    const site = firstLookup(parameters.site);
    const identifier = parameters.scmIdentifier.raw;
    const overrides: Record<string, AttributeValue> = {};
    const identifierColumn = parameters.scmIdentifier.attributes?.LogicalName;
    if (identifierColumn && typeof identifier === "string") {
      overrides[identifierColumn] = identifier;
    }
    const siteColumn = parameters.site.attributes?.LogicalName;
    if (siteColumn) {
      overrides[siteColumn] = site ? { id: site.id, logicalName: site.entityType, name: site.name } : null;
    }
    const lastSynced = parameters.lastSyncedOn.raw;
    const entityId = record?.entityId ?? null;
    // A row saved for the first time in this form: SCM's side arrives after the save (the sync
    // status asynchronously, SCM's own values with its data event), so it is on its way.
    if (this.seenId === null && entityId !== null) this.firstSyncUntil = Date.now() + firstSyncWaitMs;
    this.seenId = entityId;
    return {
      strings: stringsFromContext<PanelStringKey>(context),
      layout: layoutFor(context.mode.allocatedWidth, context.client.getFormFactor()),
      company: company?.name ?? null,
      scmIdentifier: identifier && identifier !== "" ? identifier : null,
      site: table === "msdyn_warehouse" ? (site?.name ?? null) : undefined,
      syncStatus: parameters.syncStatus.raw,
      syncStatusLabel: parameters.syncStatus.formatted ? parameters.syncStatus.formatted : null,
      lastSyncedOn: lastSynced ? context.formatting.formatDateShort(lastSynced, true) : null,
      lastError: parameters.lastError.raw ? parameters.lastError.raw : null,
      firstSyncUntil: parameters.syncStatus.raw === null && !lastSynced ? this.firstSyncUntil : null,
      saved: table !== null && record?.entityId !== null,
      readOnly: context.mode.isControlDisabled,
      offline: context.client.isOffline(),
      onCheck: (): Promise<CheckOutcome> => {
        const service = this.service;
        if (!service || !table || !record?.entityId) {
          return Promise.resolve({
            kind: "unchecked",
            reason: "notSaved",
            detail: "The record has not been saved yet.",
          });
        }
        return service.check({ table, id: record.entityId, companyId: company?.id ?? null, overrides });
      },
      onSignIn: (): Promise<void> =>
        this.service ? this.service.signIn() : Promise.reject(new Error("The control is not running.")),
    };
  }
}
