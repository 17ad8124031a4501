/** @jest-environment jsdom */
import * as React from "react";
import { act, configure, fireEvent, render, screen, within } from "@testing-library/react";
import { ControlRoot } from "../../shared/components/ControlRoot";
import { readStrings } from "../../shared/strings";
import { controlStrings } from "../../testing/resx";
import { ScmIntegrationPanelView, type ScmIntegrationPanelProps } from "../components/ScmIntegrationPanelView";
import { panelStringKeys } from "../components/strings";
import type { CheckOutcome } from "../services/scmCheck";

// Fluent renders slowly in jsdom on a busy two-core machine; allow more than the default second.
configure({ asyncUtilTimeout: 5000 });

function strings(lcid: 1033 | 1036) {
  const resx = controlStrings("ScmIntegrationPanel", lcid);
  return readStrings(panelStringKeys, (key) => resx[key] ?? `!${key}`);
}

function renderPanel(props: Partial<ScmIntegrationPanelProps> = {}, outcome?: CheckOutcome) {
  const onCheck = jest.fn(() =>
    Promise.resolve(outcome ?? { kind: "checked" as const, valid: true, errors: [], warnings: [] }),
  );
  const onSignIn = jest.fn(() => Promise.resolve());
  const view = render(
    <ControlRoot theme={undefined}>
      <ScmIntegrationPanelView
        strings={strings(1033)}
        layout="wide"
        company="Contoso USA"
        scmIdentifier="CHI-01"
        site="Site 1"
        syncStatus={716900002}
        syncStatusLabel={null}
        lastSyncedOn="1/2/2025, 3:04 PM"
        lastError={null}
        firstSyncUntil={null}
        saved
        readOnly={false}
        offline={false}
        onCheck={onCheck}
        onSignIn={onSignIn}
        {...props}
      />
    </ControlRoot>,
  );
  return { onCheck, onSignIn, view };
}

function valueOf(term: string): string {
  const dt = screen.getByText(term, { selector: "dt" });
  return dt.nextElementSibling?.textContent ?? "";
}

describe("ScmIntegrationPanel", () => {
  it("shows the integration fields with a status badge", () => {
    renderPanel();
    const panel = screen.getByRole("region", { name: "SCM integration" });
    expect(within(panel).getByText("Company", { selector: "dt" })).toBeTruthy();
    expect(valueOf("Company")).toBe("Contoso USA");
    expect(valueOf("SCM identifier")).toBe("CHI-01");
    expect(valueOf("Site")).toBe("Site 1");
    expect(valueOf("Sync status")).toBe("Synced");
    expect(valueOf("Last synced")).toBe("1/2/2025, 3:04 PM");
  });

  it("hides the site for tables that have none, and says never for a row never synced", () => {
    renderPanel({ site: undefined, syncStatus: 716900000, lastSyncedOn: null, scmIdentifier: null });
    expect(screen.queryByText("Site", { selector: "dt" })).toBeNull();
    expect(valueOf("Sync status")).toBe("Not synced");
    expect(valueOf("Last synced")).toBe("Never");
    expect(valueOf("SCM identifier")).toBe("—");
  });

  it("shows a row first saved in the form as Pending while its first sync is on its way, then Unknown", () => {
    jest.useFakeTimers();
    try {
      renderPanel({ syncStatus: null, lastSyncedOn: null, firstSyncUntil: Date.now() + 60_000 });
      expect(valueOf("Sync status")).toBe("Pending");
      expect(valueOf("Last synced")).toBe("Waiting for SCM…");
      act(() => {
        jest.advanceTimersByTime(60_001);
      });
      expect(valueOf("Sync status")).toBe("Unknown");
      expect(valueOf("Last synced")).toBe("Never");
    } finally {
      jest.useRealTimers();
    }
  });

  it("shows the last error as an error when the sync failed", () => {
    renderPanel({ syncStatus: 716900003, lastError: "SCM: Site 9 does not exist in company usmf." });
    expect(valueOf("Sync status")).toBe("Failed");
    expect(screen.getByText("SCM: Site 9 does not exist in company usmf.")).toBeTruthy();
  });

  it("prefers the platform's label for the status", () => {
    renderPanel({ syncStatusLabel: "Synchronisé (plateforme)" });
    expect(valueOf("Sync status")).toBe("Synchronisé (plateforme)");
  });

  it("checks against SCM and lists the errors by column", async () => {
    const { onCheck } = renderPanel(
      {},
      {
        kind: "checked",
        valid: false,
        errors: [
          {
            attribute: "msdyn_operationalsite",
            code: "referenceNotFound",
            message: "Site 9 does not exist in usmf.",
            label: "Operational Site",
          },
          { code: "crossField", message: "The warehouse would be its own transit warehouse.", label: null },
        ],
        warnings: [
          { attribute: "msdyn_name", code: "maxLength", message: "SCM cuts names at 60 characters.", label: "Name" },
        ],
      },
    );
    fireEvent.click(screen.getByRole("button", { name: "Check against SCM" }));
    expect(screen.getByText("Checking against SCM…")).toBeTruthy();
    const errors = await screen.findByRole("list", { name: "SCM check results" });
    expect(
      within(errors)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual([
      "Operational Site: Site 9 does not exist in usmf.",
      "Record: The warehouse would be its own transit warehouse.",
    ]);
    expect(screen.getByText("SCM would reject this record")).toBeTruthy();
    const warnings = screen.getByRole("list", { name: "Warnings" });
    expect(within(warnings).getByRole("listitem").textContent).toBe("Name: SCM cuts names at 60 characters.");
    expect(onCheck).toHaveBeenCalledTimes(1);
  });

  it("says so when SCM accepts the record", async () => {
    renderPanel();
    fireEvent.click(screen.getByRole("button", { name: "Check against SCM" }));
    expect(await screen.findByText("SCM accepts this record")).toBeTruthy();
  });

  it.each([
    [{ kind: "unchecked", reason: "scmUnavailable", detail: "" }, "SCM can't be reached right now. Try again later."],
    [
      { kind: "unchecked", reason: "refused", detail: "HTTP 400 bad company" },
      "The validation API refused the request: HTTP 400 bad company",
    ],
    [{ kind: "unchecked", reason: "notConfigured", detail: "" }, /fsi_ValidationApiUrl/],
    [{ kind: "unchecked", reason: "timeout", detail: "" }, "SCM didn't answer in time. Try again."],
  ] as const)("explains a check that could not run (%j)", async (outcome, message) => {
    renderPanel({}, outcome);
    fireEvent.click(screen.getByRole("button", { name: "Check against SCM" }));
    expect(await screen.findByText("Couldn't check against SCM")).toBeTruthy();
    expect(screen.getByText(message)).toBeTruthy();
  });

  it.each([
    [{ readOnly: true }, "The form is read-only, so there is nothing to check."],
    [{ offline: true }, "Checking against SCM needs a connection. SCM checks the record when the app syncs."],
    [{ saved: false }, "Save the record first: the form checks new records when you save them."],
  ])("disables the check when %j", (props, reason) => {
    const { onCheck } = renderPanel(props);
    const button = screen.getByRole("button", { name: "Check against SCM" });
    expect(button.hasAttribute("disabled")).toBe(true);
    fireEvent.click(button);
    expect(onCheck).not.toHaveBeenCalled();
    expect(screen.getByText(reason)).toBeTruthy();
  });

  it("speaks French", async () => {
    const { view } = renderPanel({ strings: strings(1036), syncStatus: 716900001 });
    expect(screen.getByRole("region", { name: "Intégration SCM" })).toBeTruthy();
    expect(valueOf("Société")).toBe("Contoso USA");
    expect(valueOf("État de synchronisation")).toBe("En attente");
    fireEvent.click(screen.getByRole("button", { name: "Vérifier auprès de SCM" }));
    expect(await screen.findByText("SCM accepte cet enregistrement")).toBeTruthy();
    view.unmount();
  });

  it("stacks the fields in one column when narrow, two when wide", () => {
    const narrow = renderPanel({ layout: "narrow" });
    const columns = (root: HTMLElement) => getComputedStyle(root.querySelector("dl") ?? root).gridTemplateColumns;
    expect(columns(narrow.view.container)).toBe("minmax(0, 1fr)");
    narrow.view.unmount();
    const wide = renderPanel({ layout: "wide" });
    expect(columns(wide.view.container)).toBe("repeat(2, minmax(0, 1fr))");
  });
});

describe("ScmIntegrationPanelView sign-in", () => {
  it("offers Sign in when the check needs the user to sign in; its click signs in and checks again", async () => {
    const { onCheck, onSignIn } = renderPanel(
      {},
      { kind: "unchecked", reason: "signInRequired", detail: "Sign-in is needed." },
    );
    fireEvent.click(screen.getByRole("button", { name: "Check against SCM" }));
    const signIn = await screen.findByRole("button", { name: "Sign in" });
    expect(screen.getByText(/Sign in so the validation service can check this record/)).toBeTruthy();
    fireEvent.click(signIn);
    expect(onSignIn).toHaveBeenCalledTimes(1);
    await screen.findByRole("button", { name: "Check against SCM" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(onCheck).toHaveBeenCalledTimes(2);
  });

  it("in the mobile app says the server checks the record, with no Sign in button", async () => {
    renderPanel({}, { kind: "unchecked", reason: "signInUnavailable", detail: "Sign-in is needed." });
    fireEvent.click(screen.getByRole("button", { name: "Check against SCM" }));
    await screen.findByText(/can't show the sign-in window/);
    expect(screen.queryByRole("button", { name: "Sign in" })).toBeNull();
  });
});
