/**
 * Dataverse platform tables our code reads: environment variables (the solution's settings) and
 * system jobs (where failed asynchronous webhook steps are recorded).
 */
import { choice, dateTime, lookup, memo, text, whole } from "../columns";
import { defineTable } from "../define-table";

/** `environmentvariabledefinition.type` values. */
export const EnvironmentVariableType = {
  String: 100000000,
  Number: 100000001,
  Boolean: 100000002,
  Json: 100000003,
  DataSource: 100000004,
  Secret: 100000005,
} as const;

export const environmentVariableDefinition = defineTable({
  logicalName: "environmentvariabledefinition",
  entitySetName: "environmentvariabledefinitions",
  displayName: "Environment Variable Definition",
  primaryIdAttribute: "environmentvariabledefinitionid",
  primaryNameAttribute: "schemaname",
  columns: {
    schemaname: text("Schema Name", 100, { required: true, createOnly: true }),
    displayname: text("Display Name", 100),
    description: memo("Description", 2000),
    type: choice("Type", [
      { value: EnvironmentVariableType.String, label: "String" },
      { value: EnvironmentVariableType.Number, label: "Number" },
      { value: EnvironmentVariableType.Boolean, label: "Boolean" },
      { value: EnvironmentVariableType.Json, label: "JSON" },
      { value: EnvironmentVariableType.DataSource, label: "Data source" },
      { value: EnvironmentVariableType.Secret, label: "Secret" },
    ]),
    defaultvalue: memo("Default Value", 2000),
  },
  alternateKeys: [{ name: "schemanamekey", columns: ["schemaname"] }],
});

export const environmentVariableValue = defineTable({
  logicalName: "environmentvariablevalue",
  entitySetName: "environmentvariablevalues",
  displayName: "Environment Variable Value",
  primaryIdAttribute: "environmentvariablevalueid",
  primaryNameAttribute: "schemaname",
  columns: {
    schemaname: text("Schema Name", 100),
    value: memo("Value", 2000),
    // The navigation property is PascalCase (PA `reference/entities/environmentvariablevalue.md`,
    // relationship environmentvariabledefinition_environmentvariablevalue).
    environmentvariabledefinitionid: lookup("Environment Variable Definition", "environmentvariabledefinition", {
      required: true,
      nav: "EnvironmentVariableDefinitionId",
    }),
  },
  alternateKeys: [],
});

/** System job states and reasons (`asyncoperation.statecode` / `statuscode`). */
export const AsyncOperationState = { Ready: 0, Suspended: 1, Locked: 2, Completed: 3 } as const;
export const AsyncOperationStatus = {
  WaitingForResources: 0,
  Waiting: 10,
  InProgress: 20,
  Succeeded: 30,
  Failed: 31,
  Canceled: 32,
} as const;

export const asyncOperation = defineTable({
  logicalName: "asyncoperation",
  entitySetName: "asyncoperations",
  displayName: "System Job",
  primaryIdAttribute: "asyncoperationid",
  primaryNameAttribute: "name",
  columns: {
    name: text("System Job Name", 256),
    /** 1 = System event (a plug-in or webhook step). */
    operationtype: whole("System Job Type"),
    message: memo("Message", 10000),
    friendlymessage: memo("Friendly Message", 10000),
    messagename: text("Message Name", 256),
    primaryentitytype: text("Entity Name", 100),
    regardingobjectid: text("Regarding", 100),
    correlationid: text("Correlation Id", 100),
    /** The step whose execution this job records (Learn: "Query failed asynchronous jobs for a given step"). */
    owningextensionid: lookup("Owning Extension", "sdkmessageprocessingstep"),
    errorcode: whole("Error Code"),
    depth: whole("Depth"),
    retrycount: whole("Retry Count"),
    completedon: dateTime("Completed On"),
    statecode: {
      type: "state",
      displayName: "Status",
      options: [
        { value: AsyncOperationState.Ready, label: "Ready" },
        { value: AsyncOperationState.Suspended, label: "Suspended" },
        { value: AsyncOperationState.Locked, label: "Locked" },
        { value: AsyncOperationState.Completed, label: "Completed" },
      ],
    },
    statuscode: {
      type: "status",
      displayName: "Status Reason",
      options: [
        { value: AsyncOperationStatus.WaitingForResources, label: "Waiting For Resources" },
        { value: AsyncOperationStatus.Waiting, label: "Waiting" },
        { value: AsyncOperationStatus.InProgress, label: "In Progress" },
        { value: AsyncOperationStatus.Succeeded, label: "Succeeded" },
        { value: AsyncOperationStatus.Failed, label: "Failed" },
        { value: AsyncOperationStatus.Canceled, label: "Canceled" },
      ],
    },
  },
  alternateKeys: [],
});

/**
 * Installed solutions (Dataverse table `solution`, entity set `solutions`): `fsi sync status` reads
 * which of Microsoft's dual-write map solutions an environment has.
 */
export const solution = defineTable({
  logicalName: "solution",
  entitySetName: "solutions",
  displayName: "Solution",
  primaryIdAttribute: "solutionid",
  primaryNameAttribute: "friendlyname",
  columns: {
    uniquename: text("Name", 65, { required: true, createOnly: true }),
    friendlyname: text("Display Name", 256, { required: true }),
    version: text("Version", 256),
  },
  alternateKeys: [{ name: "uniquenamekey", columns: ["uniquename"] }],
});
