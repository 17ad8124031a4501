/// <reference types="xrm" />
/**
 * A small Dataverse behind `Xrm.WebApi` (xrm-mock's throws "not implemented"): environment variables
 * through the `RetrieveEnvironmentVariableValue` function, companies and users. It answers in the
 * Web API's JSON shape (annotations included) and refuses queries it does not understand, so a
 * wrong `$select` or function call fails the test instead of passing silently.
 */

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

/** A Web API error: `Xrm.WebApi` rejects with an `errorCode` and a `message`. */
class WebApiError extends Error {
  readonly errorCode = 0x80040217;
}

function webApiError(message: string): WebApiError {
  return new WebApiError(message);
}

const orgUrl = "https://contoso.crm.dynamics.com/api/data/v9.2";

export class FakeDataverse {
  /** One entry per Web API call: `execute fsi_ValidationApiUrl`, `retrieve cdm_company <id>`, ... */
  readonly calls: string[] = [];

  constructor(readonly fixture: DataverseFixture) {}

  /** Installs this fake as the form's `Xrm.WebApi` (retrieve, retrieveMultiple, online.execute). */
  install(xrm: Xrm.XrmStatic): void {
    const webApi = xrm.WebApi as unknown as Record<string, unknown> & { online: Record<string, unknown> };
    webApi.retrieveRecord = (entity: string, id: string, options?: string) =>
      this.retrieveRecord(entity, id, options ?? "");
    webApi.retrieveMultipleRecords = (entity: string, options?: string) => this.retrieveMultiple(entity, options ?? "");
    webApi.online.execute = (request: unknown) => this.execute(request);
  }

  private async execute(request: unknown): Promise<Response> {
    await Promise.resolve();
    const { getMetadata, DefinitionSchemaName } = request as {
      getMetadata?: () => { operationName: string };
      DefinitionSchemaName?: unknown;
    };
    const operation = getMetadata?.().operationName;
    if (operation !== "RetrieveEnvironmentVariableValue" || typeof DefinitionSchemaName !== "string") {
      throw webApiError(`Unexpected request ${String(operation)}`);
    }
    this.calls.push(`execute ${DefinitionSchemaName}`);
    const value = this.fixture.environmentVariables[DefinitionSchemaName];
    if (value === undefined) throw webApiError(`Environment variable definition ${DefinitionSchemaName} not found.`);
    return new Response(
      JSON.stringify({
        "@odata.context": `${orgUrl}/$metadata#Microsoft.Dynamics.CRM.RetrieveEnvironmentVariableValueResponse`,
        Value: value,
      }),
      { status: 200, headers: { "Content-Type": "application/json" } },
    );
  }

  private async retrieveRecord(entity: string, id: string, options: string): Promise<Record<string, unknown>> {
    await Promise.resolve();
    this.calls.push(`retrieve ${entity} ${id}`);
    if (entity === "cdm_company" && options === "?$select=cdm_companycode") {
      const company = this.fixture.companies.find((c) => c.id === id);
      if (company === undefined) throw webApiError(`cdm_company With Id = ${id} Does Not Exist`);
      return {
        "@odata.context": `${orgUrl}/$metadata#cdm_companies(cdm_companycode)/$entity`,
        cdm_companyid: company.id,
        cdm_companycode: company.code,
      };
    }
    if (entity === "systemuser" && options === "?$select=domainname") {
      return {
        "@odata.context": `${orgUrl}/$metadata#systemusers(domainname)/$entity`,
        systemuserid: id,
        domainname: signedInUserName,
      };
    }
    if (entity === "systemuser" && options === "?$select=_msdyn_company_value") {
      if (!(id in this.fixture.userCompanies)) throw webApiError(`systemuser With Id = ${id} Does Not Exist`);
      const company = this.fixture.companies.find((c) => c.id === this.fixture.userCompanies[id]);
      return {
        "@odata.context": `${orgUrl}/$metadata#systemusers(_msdyn_company_value)/$entity`,
        systemuserid: id,
        _msdyn_company_value: company?.id ?? null,
        ...(company === undefined
          ? {}
          : {
              "_msdyn_company_value@OData.Community.Display.V1.FormattedValue": company.name,
              "_msdyn_company_value@Microsoft.Dynamics.CRM.associatednavigationproperty": "msdyn_company",
              "_msdyn_company_value@Microsoft.Dynamics.CRM.lookuplogicalname": "cdm_company",
            }),
      };
    }
    throw webApiError(`Could not find a property named '${options}' on ${entity}.`);
  }

  private async retrieveMultiple(entity: string, options: string): Promise<{ entities: Record<string, unknown>[] }> {
    await Promise.resolve();
    this.calls.push(`retrieveMultiple ${entity} ${options}`);
    const match =
      /^\?\$select=cdm_companyid,cdm_name,cdm_companycode&\$filter=cdm_companycode eq '((?:[^']|'')*)'$/.exec(options);
    if (entity !== "cdm_company" || match === null) throw webApiError(`Unsupported query ${entity}${options}`);
    const code = (match[1] ?? "").replace(/''/g, "'");
    return {
      entities: this.fixture.companies
        .filter((c) => c.code === code)
        .map((c) => ({ "@odata.etag": 'W/"1"', cdm_companyid: c.id, cdm_name: c.name, cdm_companycode: c.code })),
    };
  }
}
