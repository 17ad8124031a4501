/**
 * Projects (SCM → FS): an SCM project upserted into `fsi_project` by its natural key (project id
 * + company), with the template's columns (name, type, stage, customer). The template's filter
 * decides which projects Field Service gets (by default time and material ones). A project SCM
 * deletes is deactivated in Field Service, not deleted: work orders may still point to it.
 */
import { type DataverseRecord, sameValue } from "@fsi/core/dataverse/record";
import { project } from "@fsi/core/dataverse/tables";
import { flowDataverseLookups, flowRowToDataverse } from "@fsi/core/maps/flow-mapping";
import { projects } from "@fsi/core/scm/inventory-entities";
import type { ScmKey, ScmRow } from "@fsi/core/scm/schema";
import type { ResolvedFlow } from "../templates/flow-catalog";
import { describeIssues, describeMissing } from "./describe";
import { type FlowRuntime, RowFailure, type RowOutcome } from "./runtime";

export class ProjectsFlow {
  readonly entity = projects;

  constructor(
    readonly flow: ResolvedFlow,
    private readonly runtime: FlowRuntime,
  ) {}

  rowKey(row: Readonly<ScmRow>): string {
    return `${String(row.dataAreaId ?? "")}/${String(row.ProjectId ?? "")}`.toLowerCase();
  }

  keyOf(row: Readonly<ScmRow>): { readonly dataAreaId: string; readonly ProjectId: string } {
    return { dataAreaId: String(row.dataAreaId ?? ""), ProjectId: String(row.ProjectId ?? "") };
  }

  apply(row: Readonly<ScmRow>): Promise<RowOutcome> {
    return this.runtime.rowLocks.run(`projects:${this.rowKey(row)}`, () => this.applyNow(row));
  }

  /** Nothing to prepare: a project run is small. */
  prepareRun(): Promise<() => void> {
    return Promise.resolve(() => undefined);
  }

  applyDeleted(key: Readonly<ScmRow>): Promise<RowOutcome> {
    return this.runtime.rowLocks.run(`projects:${this.rowKey(key)}`, () => this.deactivate(this.keyOf(key)));
  }

  /** SCM deleted the project: Field Service keeps the row (work orders point to it), inactive. */
  async deactivate(key: ScmKey): Promise<RowOutcome> {
    const companyId = await this.runtime.references.companyId(key.dataAreaId ?? "");
    if (companyId === undefined) return "unchanged";
    const found = await this.runtime.dataverse.findByKey(
      project,
      { fsi_projectnumber: key.ProjectId ?? "", fsi_company: { id: companyId, logicalName: "cdm_company" } },
      ["statecode"],
    );
    if (found === undefined || found.record.statecode === 1) return "unchanged";
    await this.runtime.dataverse.update(project, found.id, { statecode: 1, statuscode: 2 });
    return "changed";
  }

  private async applyNow(row: Readonly<ScmRow>): Promise<RowOutcome> {
    const { references, dataverse, clock } = this.runtime;
    const { dataAreaId, ProjectId: projectId } = this.keyOf(row);
    const company = dataAreaId.toLowerCase();
    const companyId = await references.companyId(company);
    if (companyId === undefined) throw new RowFailure(`waits for company ${company} (cdm_company) in Field Service`);
    const lookups = await references.answerDataverse(flowDataverseLookups(this.flow.map.columns, row, company));
    if (lookups.missing.length > 0)
      throw new RowFailure(`waits for ${describeMissing(lookups.missing)} in Field Service`);
    const mapped = flowRowToDataverse(this.flow.map.columns, this.entity, row, lookups.answers, company);
    if (mapped.issues.length > 0) throw new RowFailure(`cannot be carried: ${describeIssues(mapped.issues)}`);
    const companyReference = { id: companyId, logicalName: "cdm_company" };
    const record: DataverseRecord = { ...mapped.record, fsi_projectnumber: projectId, fsi_company: companyReference };
    if (this.flow.filter !== undefined && !this.flow.filter.matches(record)) return "filtered";

    const columns = Object.keys(mapped.record);
    const existing = await dataverse.findByKey(
      project,
      { fsi_projectnumber: projectId, fsi_company: companyReference },
      [...columns, "statecode"],
    );
    const changed = Object.fromEntries(
      Object.entries(mapped.record).filter(
        ([column, value]) => existing === undefined || !sameValue(value, existing.record[column] ?? null),
      ),
    );
    const reactivate: DataverseRecord = existing?.record.statecode === 1 ? { statecode: 0, statuscode: 1 } : {};
    if (existing !== undefined && Object.keys(changed).length === 0 && Object.keys(reactivate).length === 0)
      return "unchanged";
    const now = clock().toISOString();
    if (existing === undefined) await dataverse.create(project, { ...record, fsi_scmlastsyncedon: now });
    else await dataverse.update(project, existing.id, { ...changed, ...reactivate, fsi_scmlastsyncedon: now });
    return "changed";
  }
}
