import Database from "better-sqlite3";
import {
  type ColumnResolver,
  type ODataQueryOptions,
  ODataQueryError,
  compileFilter,
  compileQuery,
  parseEntitySegment,
  parseKeyPredicate,
  quoteIdentifier,
  selectStatement,
} from "..";

interface Row {
  id: number;
  name: string | null;
  city: string | null;
  qty: number | null;
  active: number;
  created: string | null;
  ref: string | null;
}

const rows: Row[] = [
  {
    id: 1,
    name: "Chicago North",
    city: "Chicago",
    qty: 10,
    active: 1,
    created: "2024-01-01T00:00:00Z",
    ref: "253f842d-d739-41b8-ac8c-139ac7a9dd14",
  },
  { id: 2, name: "Chicago South", city: "Chicago", qty: 5, active: 0, created: "2024-02-01T12:00:00.000Z", ref: null },
  { id: 3, name: "Berlin Mitte", city: "Berlin", qty: 0, active: 1, created: "2023-06-15T08:30:00+02:00", ref: null },
  { id: 4, name: "it's 100% real_name", city: null, qty: null, active: 1, created: null, ref: null },
  { id: 5, name: null, city: "London", qty: 7.5, active: 0, created: "2025-01-01T00:00:00Z", ref: null },
];

const columns: Record<string, { column: string; kind: "string" | "number" | "boolean" | "datetime" | "guid" }> = {
  Id: { column: "id", kind: "number" },
  Name: { column: "name", kind: "string" },
  City: { column: "city", kind: "string" },
  Qty: { column: "qty", kind: "number" },
  Active: { column: "active", kind: "boolean" },
  Created: { column: "created", kind: "datetime" },
  Ref: { column: "ref", kind: "guid" },
};

const resolve: ColumnResolver = (name) => {
  const entry = columns[name];
  return entry === undefined ? undefined : { sqlExpression: quoteIdentifier(entry.column), kind: entry.kind };
};

const db = new Database(":memory:");
db.exec(
  "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, city TEXT, qty REAL, active INTEGER, created TEXT, ref TEXT)",
);
const insert = db.prepare("INSERT INTO items VALUES (@id, @name, @city, @qty, @active, @created, @ref)");
for (const row of rows) insert.run(row);

function query(search: string, options: ODataQueryOptions = {}): { ids: number[]; count: number } {
  const compiled = compileQuery(new URLSearchParams(search), resolve, options);
  const statement = selectStatement({ from: "items", columns: "id", query: compiled, tieBreakers: ["id"] });
  const ids = db
    .prepare<unknown[], { id: number }>(statement.rows.sql)
    .all(...statement.rows.params)
    .map((row) => row.id);
  const count =
    db.prepare<unknown[], { count: number }>(statement.count.sql).get(...statement.count.params)?.count ?? -1;
  return { ids, count };
}

const filterIds = (filter: string, options: ODataQueryOptions = {}): number[] =>
  query(`$filter=${encodeURIComponent(filter)}`, options).ids;

function queryError(search: string, options: ODataQueryOptions = {}): ODataQueryError {
  try {
    query(search, options);
  } catch (error) {
    if (error instanceof ODataQueryError) return error;
    throw error;
  }
  throw new Error(`expected '${search}' to fail`);
}

describe("$filter comparisons", () => {
  it.each([
    ["City eq 'Chicago'", [1, 2]],
    ["City eq 'chicago'", [1, 2]],
    ["City ne 'Chicago'", [3, 4, 5]],
    ["Qty gt 5", [1, 5]],
    ["Qty ge 5", [1, 2, 5]],
    ["Qty lt 5", [3]],
    ["Qty le 5", [2, 3]],
    ["Qty eq 7.5", [5]],
    ["Qty gt -1", [1, 2, 3, 5]],
    ["Active eq true", [1, 3, 4]],
    ["Active eq false", [2, 5]],
    ["Active", [1, 3, 4]],
    ["not Active", [2, 5]],
    ["Name eq null", [5]],
    ["Name ne null", [1, 2, 3, 4]],
    ["null eq City", [4]],
    ["Created ge 2024-01-01T00:00:00Z", [1, 2, 5]],
    ["Created lt 2024-01-01", [3]],
    ["Created eq 2024-02-01T12:00:00Z", [2]],
    ["Created eq 2023-06-15T06:30:00Z", [3]],
    ["Ref eq 253F842D-D739-41B8-AC8C-139AC7A9DD14", [1]],
    ["Id eq Id", [1, 2, 3, 4, 5]],
  ])("%s", (filter, expected) => {
    expect(filterIds(filter)).toEqual(expected);
  });
});

describe("$filter logic and functions", () => {
  it.each([
    ["City eq 'Chicago' and Qty gt 5", [1]],
    ["City eq 'Berlin' or City eq 'London'", [3, 5]],
    ["City eq 'Berlin' or City eq 'Chicago' and Active eq false", [2, 3]],
    ["(City eq 'Berlin' or City eq 'Chicago') and Active eq false", [2]],
    ["not (City eq 'Chicago')", [3, 4, 5]],
    ["contains(Name,'cago')", [1, 2]],
    ["contains(Name, 'CAGO')", [1, 2]],
    ["startswith(Name,'Chicago N')", [1]],
    ["endswith(Name,'Mitte')", [3]],
    ["not contains(Name,'Chicago')", [3, 4]],
    ["City eq Microsoft.Dynamics.DataEntities.City'Berlin'", [3]],
  ])("%s", (filter, expected) => {
    expect(filterIds(filter)).toEqual(expected);
  });
});

describe("literals cannot inject SQL", () => {
  it.each([
    ["Name eq 'x'' OR 1=1 --'", []],
    ["Name eq '''; DROP TABLE items; --'", []],
    ["contains(Name,'%')", [4]],
    ["contains(Name,'_')", [4]],
    ["startswith(Name,'%')", []],
    ["contains(Name,'it''s')", [4]],
    ["Name eq 'it''s 100% real_name'", [4]],
    ["contains(Name,'\\')", []],
  ])("%s", (filter, expected) => {
    expect(filterIds(filter)).toEqual(expected);
    expect(db.prepare("SELECT COUNT(*) AS n FROM items").get()).toEqual({ n: rows.length });
  });

  it("binds every literal as a parameter", () => {
    const fragment = compileFilter("Name eq 'x'' OR 1=1 --' and contains(City,'y')", resolve);
    expect(fragment.sql).not.toContain("OR 1=1");
    expect(fragment.params).toEqual(["x' OR 1=1 --", "%y%"]);
  });
});

describe("$orderby, $select, $top, $skip, $count", () => {
  it("orders by several properties with directions", () => {
    expect(query("$orderby=City desc,Qty asc").ids).toEqual([5, 2, 1, 3, 4]);
    expect(query("$orderby=Active,Name desc").ids).toEqual([2, 5, 4, 1, 3]);
  });

  it("pages with $top and $skip and counts all matches", () => {
    expect(query("$orderby=Id&$top=2&$skip=1&$count=true")).toEqual({ ids: [2, 3], count: 5 });
    expect(query("$filter=City eq 'Chicago'&$top=1&$count=true")).toEqual({ ids: [1], count: 2 });
    expect(query("$top=0").ids).toEqual([]);
  });

  it("reads $count and $select", () => {
    expect(compileQuery(new URLSearchParams("$count=true"), resolve).count).toBe(true);
    expect(compileQuery(new URLSearchParams("$count=false"), resolve).count).toBe(false);
    expect(compileQuery(new URLSearchParams("$select=Name,City,Name"), resolve).select).toEqual(["Name", "City"]);
    expect(compileQuery(new URLSearchParams("$select=*"), resolve).select).toBeUndefined();
  });

  it("ignores options without $ and passes through the ones the caller handles", () => {
    const compiled = compileQuery(new URLSearchParams("cross-company=true&$expand=x"), resolve, {
      passThrough: ["$expand"],
    });
    expect(compiled.where).toBeUndefined();
  });
});

describe("typed errors", () => {
  it("names an unknown property and where it is", () => {
    const error = queryError(`$filter=${encodeURIComponent("City eq 'x' and Colour eq 'red'")}`);
    expect(error.kind).toBe("unknownProperty");
    expect(error.info).toEqual({ option: "$filter", position: 16, property: "Colour" });
    expect(error.message).toContain("Colour");
    expect(queryError("$orderby=Colour").info.property).toBe("Colour");
    expect(queryError("$select=Name,Colour").kind).toBe("unknownProperty");
  });

  it("points at an unterminated string literal", () => {
    const error = queryError(`$filter=${encodeURIComponent("City eq 'Chicago")}`);
    expect(error.kind).toBe("syntax");
    expect(error.info.position).toBe(8);
    expect(error.message).toContain("string literal is not closed");
  });

  it("points at an unclosed parenthesis and at trailing garbage", () => {
    expect(queryError(`$filter=${encodeURIComponent("(City eq 'x'")}`).info.position).toBe(0);
    const trailing = queryError(`$filter=${encodeURIComponent("City eq 'x' and")}`);
    expect(trailing.kind).toBe("syntax");
    expect(trailing.info.position).toBe(11);
    expect(queryError(`$filter=${encodeURIComponent("City eqq 'x'")}`).info.position).toBe(4);
    expect(queryError("$filter=").kind).toBe("syntax");
    expect(queryError("$orderby=City sideways").kind).toBe("syntax");
  });

  it("refuses a function the caller forbade, as the offline profile does with contains", () => {
    const offline: ODataQueryOptions = { functions: ["startswith", "endswith"] };
    const error = queryError(`$filter=${encodeURIComponent("contains(Name,'x')")}`, offline);
    expect(error.kind).toBe("unsupportedFunction");
    expect(error.info.functionName).toBe("contains");
    expect(filterIds("startswith(Name,'Berlin')", offline)).toEqual([3]);
  });

  it("refuses functions and operators it does not translate", () => {
    expect(queryError(`$filter=${encodeURIComponent("tolower(Name) eq 'x'")}`).kind).toBe("unsupportedFunction");
    expect(queryError(`$filter=${encodeURIComponent("Qty add 1 eq 2")}`).kind).toBe("unsupportedExpression");
    expect(queryError(`$filter=${encodeURIComponent("Name/Length eq 2")}`).kind).toBe("unsupportedExpression");
  });

  it("refuses comparisons between different types", () => {
    const error = queryError(`$filter=${encodeURIComponent("Qty eq '5'")}`);
    expect(error.kind).toBe("typeMismatch");
    expect(error.message).toContain("'Qty' (a number)");
    expect(queryError(`$filter=${encodeURIComponent("Ref eq '253f842d-d739-41b8-ac8c-139ac7a9dd14'")}`).kind).toBe(
      "typeMismatch",
    );
    expect(queryError(`$filter=${encodeURIComponent("City")}`).kind).toBe("typeMismatch");
  });

  it("refuses unknown, repeated and out-of-range options", () => {
    expect(queryError("$expand=x").kind).toBe("unsupportedOption");
    expect(queryError("$top=1&$top=2").kind).toBe("invalidOptionValue");
    expect(queryError("$top=-1").kind).toBe("invalidOptionValue");
    expect(queryError("$top=abc").kind).toBe("syntax");
    expect(queryError("$count=yes").kind).toBe("syntax");
    expect(queryError("$top=50", { maxTop: 10 }).kind).toBe("invalidOptionValue");
  });
});

describe("key segments", () => {
  it("parses a composite key with a doubled quote", () => {
    const segment = parseEntitySegment("Warehouses(dataAreaId='usmf',WarehouseId='it''s 11')");
    expect(segment.name).toBe("Warehouses");
    expect(segment.key).toEqual({
      kind: "compound",
      values: new Map([
        ["dataAreaId", { kind: "string", value: "usmf" }],
        ["WarehouseId", { kind: "string", value: "it's 11" }],
      ]),
    });
  });

  it("parses a simple guid key and a bare collection", () => {
    expect(parseKeyPredicate("(253F842D-D739-41B8-AC8C-139AC7A9DD14)")).toEqual({
      kind: "simple",
      value: { kind: "guid", value: "253f842d-d739-41b8-ac8c-139ac7a9dd14" },
    });
    expect(parseEntitySegment("Warehouses")).toEqual({ name: "Warehouses" });
  });

  it.each([
    "Warehouses(dataAreaId='usmf',WarehouseId='11'",
    "Warehouses(dataAreaId='usmf', WarehouseId='11')",
    "Ware-houses",
    "Warehouses(a='1',a='2')",
  ])("refuses %s", (segment) => {
    expect(() => parseEntitySegment(segment)).toThrow(ODataQueryError);
  });
});
