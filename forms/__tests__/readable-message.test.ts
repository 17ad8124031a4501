import { localeOf, readableScmMessage, wordsOf } from "../lib/readable-message";

describe("readable SCM messages", () => {
  it("names the field by its label and other SCM fields as words, and shows dates as dates", () => {
    expect(
      readableScmMessage(
        "'ActiveFrom' (2021-11-07T00:00:00Z) must be before 'ActiveTo' (2020-01-01T00:00:00Z).",
        "Active from",
        "en-US",
      ),
    ).toBe('"Active from" (Nov 7, 2021) must be before "Active To" (Jan 1, 2020).');
  });

  it("writes dates in the user's language, and keeps a time that is not midnight", () => {
    expect(readableScmMessage("'ActiveFrom' (2021-11-07T00:00:00Z) is too early.", "Début", localeOf(1036))).toBe(
      '"Début" (7 nov. 2021) is too early.',
    );
    expect(readableScmMessage("Changed at 2021-11-07T13:45:00Z.", undefined, "en-US")).toBe(
      "Changed at Nov 7, 2021, 1:45 PM.",
    );
  });

  it("leaves quoted values alone (only multi-word PascalCase names are fields)", () => {
    expect(
      readableScmMessage(
        "The value 'WH-01' in 'OperationalSiteId' was not found in company 'usmf'.",
        "Operational Site",
        "en-US",
      ),
    ).toBe("The value 'WH-01' in \"Operational Site\" was not found in company 'usmf'.");
    expect(wordsOf("OperationalSiteId")).toBe("Operational Site Id");
  });
});
