import { SolutionBuildError } from "../errors";
import { canonicalXml, el, parseXml, serializeXml } from "../xml";

function parseProblem(text: string): string {
  try {
    parseXml(text, "Entities/msdyn_warehouse/FormXml/main/form.xml");
  } catch (error) {
    if (error instanceof SolutionBuildError) return error.message;
    throw error;
  }
  throw new Error("expected the XML to be refused");
}

describe("solution XML", () => {
  it("writes what it reads: text and attributes with markup characters survive a round trip", () => {
    const element = el("systemform", { name: 'Warehouse & "Sites" <SCM>' }, [
      el("formid", {}, "{1}"),
      el("note", {}, "a < b & c > d"),
    ]);
    const text = serializeXml(element);
    expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<systemform')).toBe(true);
    expect(canonicalXml(parseXml(text, "form.xml"))).toBe(canonicalXml(element));
    expect(serializeXml(parseXml(text, "form.xml"))).toBe(text);
  });

  it("decodes character references", () => {
    expect(parseXml("<a>&#x41;&#66;&amp;lt;</a>", "a.xml").text).toBe("AB&lt;");
  });

  it("names the file, line and column of a tag that is not closed", () => {
    expect(parseProblem("<forms>\n  <systemform>\n</forms>")).toMatch(
      /^Entities\/msdyn_warehouse\/FormXml\/main\/form\.xml: line 3, column \d+: Expected closing tag 'systemform'.*\[MALFORMED_XML\]$/,
    );
  });

  it("refuses entities XML does not define, which Dataverse would refuse on import", () => {
    expect(parseProblem("<forms>\n<label description='a&nbsp;b'/></forms>")).toMatch(
      /line 2:\d+: undefined entity &nbsp;/,
    );
  });

  it("refuses a file with two root elements or none", () => {
    expect(parseProblem("<forms/><forms/>")).toMatch(/expected one root element, found 2/);
    expect(parseProblem("just text")).toMatch(/MALFORMED_XML/);
  });
});
