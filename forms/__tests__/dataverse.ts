/// <reference types="xrm" />
/**
 * The form scripts' Dataverse: the tests' one in-memory Dataverse (controls/testing/inMemoryWebApi.ts)
 * holding a fixture's environment variables, companies and users, behind `Xrm.WebApi` (xrm-mock's
 * throws "not implemented"): `retrieveRecord`, `retrieveMultipleRecords` and
 * `online.execute` of the `RetrieveEnvironmentVariableValue` function. A wrong `$select`, a filter
 * the offline store could not run, or another function fails the test instead of passing silently.
 */
import { InMemoryWebApi } from "@fsi/controls/testing/inMemoryWebApi";
import type { WebApiEntity } from "@fsi/controls/shared/services/webApi";

export interface FakeCompany {
  readonly id: string;
  readonly name: string;
  readonly code: string;
}

export interface DataverseFixture {
  /** Values by schema name; a name that is absent has no definition in the environment. */
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly companies: readonly FakeCompany[];
  /** `systemuserid` (bare, lower case) → the id of the user's default company, if any. */
  readonly userCompanies: Readonly<Record<string, string | undefined>>;
}

export const companies = {
  usmf: { id: "7b1c2e8a-0000-4000-8000-000000000001", name: "Contoso Entertainment System USA", code: "usmf" },
  demf: { id: "7b1c2e8a-0000-4000-8000-000000000002", name: "Contoso Entertainment System Germany", code: "demf" },
  gbsi: { id: "7b1c2e8a-0000-4000-8000-000000000003", name: "Contoso Orchestral UK", code: "gbsi" },
} as const satisfies Record<string, FakeCompany>;

/** The user xrm-mock signs in (`{00000000-0000-0000-0000-000000000000}`). */
export const signedInUserId = "00000000-0000-0000-0000-000000000000";

export const validationApiUrl = "https://plugins.contoso.example/plugins/validate";
export const entraAuthority = "https://login.microsoftonline.com/5a4d0000-0000-4000-8000-00000000f5f5";
export const signInClientId = "5a4d0000-0000-4000-8000-0000000000c1";
export const validationScope = "api://fsi-validation/Validate.Records";
/** The signed-in user's sign-in name (`systemuser.domainname`): MSAL's login hint. */
export const signedInUserName = "dana@contoso.test";

export function standardFixture(overrides: Partial<DataverseFixture> = {}): DataverseFixture {
  return {
    environmentVariables: {
      fsi_ValidationApiUrl: validationApiUrl,
      fsi_EntraAuthority: entraAuthority,
      fsi_ValidationApiClientId: signInClientId,
      fsi_ValidationApiScope: validationScope,
      fsi_ScmUnavailablePolicy: "block",
      fsi_DefaultCompany: "usmf",
    },
    companies: Object.values(companies),
    userCompanies: { [signedInUserId]: companies.demf.id },
    ...overrides,
  };
}

const orgUrl = "https://contoso.crm.dynamics.com/api/data/v9.2";
const formattedValue = "@OData.Community.Display.V1.FormattedValue";

/** The fixture as Dataverse rows. */
function tablesOf(fixture: DataverseFixture): Record<string, WebApiEntity[]> {
  const variables = Object.entries(fixture.environmentVariables);
  const definitionId = (index: number) => `e7e70000-0000-4000-8000-${String(index + 1).padStart(12, "0")}`;
  return {
    environmentvariabledefinition: variables.map(([schemaname], index) => ({
      environmentvariabledefinitionid: definitionId(index),
      schemaname,
      defaultvalue: null,
    })),
    environmentvariablevalue: variables.map(([, value], index) => ({
      environmentvariablevalueid: `e7e70000-0000-4000-8000-${String(index + 1001).padStart(12, "0")}`,
      _environmentvariabledefinitionid_value: definitionId(index),
      value,
    })),
    cdm_company: fixture.companies.map((company) => ({
      cdm_companyid: company.id,
      cdm_name: company.name,
      cdm_companycode: company.code,
    })),
    systemuser: Object.entries(fixture.userCompanies).map(([systemuserid, companyId]) => {
      const company = fixture.companies.find((candidate) => candidate.id === companyId);
      return {
        systemuserid,
        domainname: signedInUserName,
        _msdyn_company_value: company?.id ?? null,
        ...(company === undefined
          ? {}
          : {
              [`_msdyn_company_value${formattedValue}`]: company.name,
              "_msdyn_company_value@Microsoft.Dynamics.CRM.associatednavigationproperty": "msdyn_company",
              "_msdyn_company_value@Microsoft.Dynamics.CRM.lookuplogicalname": "cdm_company",
            }),
      };
    }),
  };
}

/** `Xrm.WebApi` rejects with an `errorCode` and a `message`. */
function xrmError(error: unknown): Error & { errorCode: number } {
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(message), { errorCode: 0x80040217 });
}

export class FormsDataverse {
  readonly webApi: InMemoryWebApi;

  constructor(readonly fixture: DataverseFixture) {
    this.webApi = new InMemoryWebApi(tablesOf(fixture));
  }

  /** One entry per Web API call: `execute fsi_ValidationApiUrl`, `retrieve cdm_company <id>`, ... */
  get calls(): string[] {
    return this.webApi.requests.map((request) => {
      switch (request.operation) {
        case "RetrieveEnvironmentVariableValue":
          return `execute ${request.options}`;
        case "retrieveRecord":
          return `retrieve ${request.table} ${request.options}`;
        case "retrieveMultipleRecords":
          return `retrieveMultiple ${request.table} ${request.options}`;
        default:
          return `${request.operation} ${request.table} ${request.options}`;
      }
    });
  }

  /** Installs this Dataverse as the form's `Xrm.WebApi` (retrieve, retrieveMultiple, online.execute). */
  install(xrm: Xrm.XrmStatic): void {
    const webApi = xrm.WebApi as unknown as Record<string, unknown> & { online: Record<string, unknown> };
    webApi.retrieveRecord = (entity: string, id: string, options?: string) =>
      this.webApi.retrieveRecord(entity, id, options).then(
        (row) => ({ "@odata.context": `${orgUrl}/$metadata#${entity}/$entity`, ...row }),
        (error: unknown) => Promise.reject(xrmError(error)),
      );
    webApi.retrieveMultipleRecords = (entity: string, options?: string, maxPageSize?: number) =>
      this.webApi.retrieveMultipleRecords(entity, options, maxPageSize).catch((error: unknown) => {
        throw xrmError(error);
      });
    webApi.online.execute = (request: unknown) => this.execute(request);
  }

  private async execute(request: unknown): Promise<Response> {
    const { getMetadata, DefinitionSchemaName } = request as {
      getMetadata?: () => { operationName: string };
      DefinitionSchemaName?: unknown;
    };
    const operation = getMetadata?.().operationName;
    if (operation !== "RetrieveEnvironmentVariableValue" || typeof DefinitionSchemaName !== "string") {
      throw xrmError(`Unexpected request ${String(operation)}`);
    }
    const value = await this.webApi.retrieveEnvironmentVariableValue(DefinitionSchemaName).catch((error: unknown) => {
      throw xrmError(error);
    });
    return new Response(
      JSON.stringify({
        "@odata.context": `${orgUrl}/$metadata#Microsoft.Dynamics.CRM.RetrieveEnvironmentVariableValueResponse`,
        Value: value,
      }),
      { status: 200, headers: { "Content-Type": "application/json" } },
    );
  }
}
