import { messagesFor, userMessages } from "../lib/messages";

afterEach(() => {
  delete (globalThis as { Xrm?: unknown }).Xrm;
});

function signedInAs(languageId: number): void {
  (globalThis as { Xrm?: unknown }).Xrm = {
    Utility: { getGlobalContext: () => ({ userSettings: { languageId } }) },
  };
}

describe("the form scripts' messages", () => {
  it("are French for a French user (Xrm userSettings.languageId 1036)", () => {
    signedInAs(1036);
    expect(userMessages().checking("Warehouse")).toBe(
      "Vérification de cet enregistrement auprès de Supply Chain Management…",
    );
    expect(userMessages().checkFields(["Nom", "Entrepôt de transit"])).toBe("Vérifiez Nom, Entrepôt de transit.");
    expect(userMessages().blocked("Warehouse", "timeout", "")).toContain("pas de réponse en");
  });

  it("are English for an English user, for other languages, and without Xrm", () => {
    signedInAs(1033);
    expect(userMessages().checking("Warehouse")).toBe("Checking this warehouse with Supply Chain Management…");
    expect(messagesFor(1031).signInAction).toBe("Sign in");
    delete (globalThis as { Xrm?: unknown }).Xrm;
    expect(userMessages().checkFields(["Name"])).toBe("Check Name.");
  });

  it("have a French text for every English one", () => {
    const english = messagesFor(1033);
    const french = messagesFor(1036);
    expect(Object.keys(french).sort()).toEqual(Object.keys(english).sort());
    expect(french.signInOffer).not.toBe(english.signInOffer);
  });
});
