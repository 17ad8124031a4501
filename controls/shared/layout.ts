/**
 * Narrow or wide, from what the form gives the control: `context.mode.allocatedWidth` (pixels; -1 or 0
 * when the host does not say) and `context.client.getFormFactor()` (3 = phone). Components lay out by
 * this value only, so the same code serves a 320 px phone and a desktop form.
 */
export type Layout = "narrow" | "wide";

/** Below this width a row stacks its fields instead of lining them up in columns. */
export const narrowBelowPx = 560;

const phoneFormFactor = 3;

export function layoutFor(allocatedWidth: number, formFactor: number): Layout {
  if (allocatedWidth > 0) {
    return allocatedWidth < narrowBelowPx ? "narrow" : "wide";
  }
  return formFactor === phoneFormFactor ? "narrow" : "wide";
}
