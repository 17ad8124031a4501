/**
 * SCM projects in Field Service (ours): a copy of SCM's projects, kept by the projects
 * map, that a work order's `fsi_project` lookup points to. Only time and material projects in
 * process are selectable; the stage travels too, so a project that SCM completes stops being
 * selectable.
 */
import { choice, dateTime, lookup, text } from "../columns";
import { defineTable } from "../define-table";

/** `fsi_projecttype`: SCM's `ProjType` (option prefix 71690). */
export const ProjectType = {
  TimeAndMaterial: 716900000,
  FixedPrice: 716900001,
  Investment: 716900002,
  Cost: 716900003,
  Internal: 716900004,
  Time: 716900005,
} as const;

/** `fsi_projectstage`: SCM's `ProjStatus`. */
export const ProjectStage = {
  Created: 716900000,
  Estimated: 716900001,
  Scheduled: 716900002,
  InProcess: 716900003,
  Completed: 716900004,
} as const;

export const project = defineTable({
  logicalName: "fsi_project",
  entitySetName: "fsi_projects",
  displayName: "SCM Project",
  primaryIdAttribute: "fsi_projectid",
  primaryNameAttribute: "fsi_name",
  columns: {
    fsi_name: text("Name", 100, { required: true }),
    /**
     * The project's company (SCM's dataAreaId). Ours, so ours by name: `msdyn_company` belongs to
     * the dual-write solutions, and a solution never defines another publisher's columns.
     */
    fsi_company: lookup("Company", "cdm_company", { required: true, createOnly: true }),
    /** SCM's ProjectId (the primary id column is fsi_projectid, so the number has its own name). */
    fsi_projectnumber: text("Project ID", 20, { required: true, createOnly: true }),
    fsi_projecttype: choice("Project Type", [
      { value: ProjectType.TimeAndMaterial, label: "Time and material" },
      { value: ProjectType.FixedPrice, label: "Fixed price" },
      { value: ProjectType.Investment, label: "Investment" },
      { value: ProjectType.Cost, label: "Cost project" },
      { value: ProjectType.Internal, label: "Internal" },
      { value: ProjectType.Time, label: "Time" },
    ]),
    fsi_projectstage: choice("Project Stage", [
      { value: ProjectStage.Created, label: "Created" },
      { value: ProjectStage.Estimated, label: "Estimated" },
      { value: ProjectStage.Scheduled, label: "Scheduled" },
      { value: ProjectStage.InProcess, label: "In process" },
      { value: ProjectStage.Completed, label: "Completed" },
    ]),
    fsi_customer: lookup("Customer", "account"),
    fsi_scmlastsyncedon: dateTime("SCM Last Synced On"),
  },
  alternateKeys: [{ name: "fsi_projectnumbercompanykey", columns: ["fsi_projectnumber", "fsi_company"] }],
});
