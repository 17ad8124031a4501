/**
 * Company ids ↔ company codes (`cdm_company.cdm_companycode`, SCM's dataAreaId). A row's company
 * never changes once saved and a company's code is create-only, so answers are cached for the
 * host's lifetime; misses are not cached (the company may be created in a moment).
 */
import { cdmCompany } from "@fsi/core/dataverse/tables";
import type { DataverseClient } from "../services/dataverse-client";

export class CompanyDirectory {
  private readonly codesById = new Map<string, string>();
  private readonly idsByCode = new Map<string, string>();

  async codeOf(dataverse: DataverseClient, companyId: string): Promise<string | undefined> {
    const id = companyId.toLowerCase();
    const cached = this.codesById.get(id);
    if (cached !== undefined) return cached;
    const row = await dataverse.retrieve(cdmCompany, id, ["cdm_companycode"]);
    const code = row?.cdm_companycode;
    if (typeof code !== "string") return undefined;
    this.remember(id, code);
    return code.toLowerCase();
  }

  async idOf(dataverse: DataverseClient, companyCode: string): Promise<string | undefined> {
    const code = companyCode.toLowerCase();
    const cached = this.idsByCode.get(code);
    if (cached !== undefined) return cached;
    const found = await dataverse.findByKey(cdmCompany, { cdm_companycode: code }, ["cdm_companycode"]);
    if (found === undefined) return undefined;
    this.remember(found.id, code);
    return found.id.toLowerCase();
  }

  private remember(id: string, code: string): void {
    this.codesById.set(id.toLowerCase(), code.toLowerCase());
    this.idsByCode.set(code.toLowerCase(), id.toLowerCase());
  }
}
