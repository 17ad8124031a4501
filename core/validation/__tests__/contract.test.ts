import {
  MAX_VALIDATION_BATCH_SIZE,
  ValidationIssueCode,
  formatZodError,
  isBatchRequestBody,
  validationBatchRequestSchema,
  validationBatchResponseSchema,
  validationIssueCodes,
  validationRequestSchema,
  validationResponseSchema,
  type ValidationRequest,
} from "..";
import type { DataverseRecord } from "../../dataverse/record";

const request: ValidationRequest = {
  table: "msdyn_warehouse",
  operation: "create",
  company: "usmf",
  attributes: {
    msdyn_name: "Main warehouse",
    msdyn_warehouseidentifier: "11",
    msdyn_primaryaddresslatitude: 47.6,
    msdyn_description: null,
    msdyn_operationalsite: {
      id: "5b1b6e2c-0a4f-4d2e-9a53-1b2c3d4e5f60",
      logicalName: "msdyn_operationalsite",
      name: "Site 1",
    },
    fsi_flag: true,
  },
};

/** The 400 message a server would send for this body ("" when it is valid). */
function problems(value: unknown): string {
  const result = validationRequestSchema.safeParse(value);
  return result.success ? "" : formatZodError(result.error, "validation request");
}

describe("validation request", () => {
  it("accepts the docs/design.md §5 shape: scalars, null and lookup references", () => {
    // The attributes are a record in the Dataverse shape the maps and record checks take.
    const attributes: DataverseRecord = validationRequestSchema.parse(request).attributes;
    expect(attributes).toEqual(request.attributes);
    const update = { ...request, operation: "update", id: "0f8fad5b-d9cb-469f-a165-70867728950e" };
    expect(validationRequestSchema.parse(update)).toEqual(update);
  });

  it("accepts each of the five integration tables and nothing else", () => {
    for (const table of [
      "msdyn_warehouse",
      "msdyn_customerasset",
      "msdyn_customerassetcategory",
      "msdyn_paymentterm",
      "msdyn_shipvia",
    ]) {
      expect(validationRequestSchema.safeParse({ ...request, table }).success).toBe(true);
    }
    expect(problems({ ...request, table: "account" })).toMatch(/^validation request: \$\.table: /);
  });

  it("bounds the company to 1–4 characters", () => {
    expect(problems({ ...request, company: "" })).toMatch(/\$\.company: Too small/);
    expect(problems({ ...request, company: "usmf1" })).toMatch(/\$\.company: Too big/);
    expect(validationRequestSchema.safeParse({ ...request, company: "x" }).success).toBe(true);
  });

  it("names the path of a bad attribute value or lookup", () => {
    const badLookup = {
      ...request,
      attributes: { msdyn_operationalsite: { id: "not-a-guid", logicalName: "msdyn_operationalsite" } },
    };
    expect(problems(badLookup)).toContain("$.attributes.msdyn_operationalsite");
    const objectValue = { ...request, attributes: { msdyn_name: { value: 1 } } };
    expect(problems(objectValue)).toContain("$.attributes.msdyn_name");
    const badName = { ...request, attributes: { "Bad Name": "x" } };
    expect(problems(badName)).toContain("$.attributes");
  });

  it("refuses a wrong operation, a non-GUID id and unknown top-level properties", () => {
    expect(problems({ ...request, operation: "delete" })).toContain("$.operation");
    expect(problems({ ...request, id: "42" })).toContain("$.id: must be a GUID");
    expect(problems({ ...request, entity: "x" })).toMatch(/Unrecognized key.*entity/);
  });

  it("lists every problem, one per line", () => {
    const message = problems({ table: "x", operation: "create", company: "toolong", attributes: {} });
    expect(message.split("\n")).toHaveLength(2);
  });
});

describe("validation batch", () => {
  it("accepts 1 to 100 requests and names the failing request's index", () => {
    expect(validationBatchRequestSchema.parse({ requests: [request, request] }).requests).toHaveLength(2);
    const tooMany = { requests: Array.from({ length: MAX_VALIDATION_BATCH_SIZE + 1 }, () => request) };
    expect(MAX_VALIDATION_BATCH_SIZE).toBe(100);
    expect(validationBatchRequestSchema.safeParse(tooMany).success).toBe(false);
    expect(validationBatchRequestSchema.safeParse({ requests: [] }).success).toBe(false);
    const result = validationBatchRequestSchema.safeParse({ requests: [request, { ...request, company: "" }] });
    expect(result.success).toBe(false);
    expect(formatZodError(result.error!, "batch")).toMatch(/^batch: \$\.requests\[1\]\.company: /);
  });

  it("tells a batch body from a single request", () => {
    expect(isBatchRequestBody({ requests: [] })).toBe(true);
    expect(isBatchRequestBody(request)).toBe(false);
    expect(isBatchRequestBody(null)).toBe(false);
    expect(isBatchRequestBody([])).toBe(false);
  });
});

describe("validation response", () => {
  it("carries errors and warnings with contract codes, attribute optional", () => {
    const response = {
      valid: false,
      errors: [
        {
          attribute: "msdyn_transitwarehouse",
          code: "required",
          message: "A default warehouse in usmf needs a transit warehouse.",
        },
        { code: "scmUnavailable", message: "SCM did not answer." },
      ],
      warnings: [],
    };
    expect(validationResponseSchema.parse(response)).toEqual(response);
    expect(validationBatchResponseSchema.parse({ results: [response] }).results).toHaveLength(1);
    expect(validationResponseSchema.safeParse({ ...response, errors: [{ code: "nope", message: "x" }] }).success).toBe(
      false,
    );
  });

  it("exposes the issue codes the SCM emulator also uses", () => {
    expect([...validationIssueCodes].sort()).toEqual([
      "allowedValues",
      "crossField",
      "invalidValue",
      "maxLength",
      "notUnique",
      "pattern",
      "range",
      "referenceNotFound",
      "required",
      "scmUnavailable",
      "unknownColumn",
    ]);
    expect(ValidationIssueCode.referenceNotFound).toBe("referenceNotFound");
  });
});
