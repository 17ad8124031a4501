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
export * from "./scm/business-events";
export * from "./dataverse/record";
export * from "./dataverse/record-validation";
export * from "./maps";
export * from "./geo";
export * from "./validation";
export * from "./registration";
