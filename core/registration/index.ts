export * from "./step-columns";
export * from "./webhook-steps";
