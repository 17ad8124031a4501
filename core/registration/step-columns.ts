/**
 * The columns the webhook steps filter on or carry in their images, named once for the step list
 * (`webhook-steps.ts`) and the handlers that read them.
 */

/** Our sync status columns on the integration tables (written by the sync-status step). */
export const SYNC_STATUS_COLUMNS = ["fsi_scmsyncstatus", "fsi_scmlastsyncedon", "fsi_scmlasterror"] as const;

/** An adjustment's or transfer's posting status: posting it starts the SCM journal. */
export const POSTING_STATUS_COLUMN = "fsi_postingstatus";

/** What the posting lock reads from an adjustment's or transfer's pre-image. */
export const HEADER_LOCK_COLUMNS = [POSTING_STATUS_COLUMN, "fsi_scmjournalnumber"] as const;

/** What the posting lock reads from a product line's pre-image: its parents. */
export const LINE_LOCK_COLUMNS = ["msdyn_inventoryadjustment", "msdyn_inventorytransfer"] as const;

/** What the project rule reads from a work order's pre-image. */
export const WORK_ORDER_PROJECT_COLUMNS = ["fsi_project", "msdyn_systemstatus", "msdyn_company"] as const;

/** A work order's system status: completing it sends its products and services to SCM. */
export const WORK_ORDER_STATUS_COLUMN = "msdyn_systemstatus";
