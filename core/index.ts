/**
 * The integration model: pure TypeScript, no I/O. Everything else imports it; it imports nothing
 * of ours.
 */
export * from "./dataverse/schema";
export * from "./dataverse/privileges";
export * from "./dataverse/tables";
export * from "./scm/schema";
export * from "./scm/entities";
export * from "./scm/inventory-entities";
export * from "./scm/inventory-services";
export * from "./scm/validation-service";
export * from "./scm/event-endpoints";
export * from "./scm/integration-user";
export * from "./scm/data-events";
export * from "./scm/odata-errors";
export * from "./scm/odata-batch";
export * from "./dataverse/record";
export * from "./dataverse/record-validation";
export * from "./maps";
export * from "./geo";
export * from "./validation";
export * from "./registration";
