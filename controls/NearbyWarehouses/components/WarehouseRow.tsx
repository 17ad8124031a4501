import * as React from "react";
import {
  Badge,
  Caption1,
  Link,
  createFocusOutlineStyle,
  makeStyles,
  mergeClasses,
  tokens,
  useId,
} from "@fluentui/react-components";
import type { Layout } from "../../shared/layout";
import type { RowRenderProps } from "../../shared/components/VirtualList";
import { format } from "../../shared/strings";
import type { NearbyWarehouse } from "../services/nearbyWarehouses";
import type { NearbyStrings } from "./strings";

export interface WarehouseRowProps extends RowRenderProps {
  readonly warehouse: NearbyWarehouse;
  readonly strings: NearbyStrings;
  readonly layout: Layout;
  readonly distance: string;
  readonly stock: string | null;
  readonly inStock: boolean;
  readonly selected: boolean;
  /** False when the form is read-only in select mode: the row shows but choosing it does nothing. */
  readonly actionable: boolean;
  readonly directionsHref: string;
  readonly onChoose: (warehouse: NearbyWarehouse) => void;
}

/** Row heights the list virtualizes with; a row's content is clipped to them. */
export const rowHeights: Readonly<Record<Layout, number>> = { wide: 60, narrow: 124 };

const useStyles = makeStyles({
  row: {
    display: "flex",
    alignItems: "stretch",
    height: "100%",
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  choose: {
    flexGrow: 1,
    minWidth: 0,
    display: "grid",
    alignContent: "center",
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    border: "none",
    backgroundColor: "transparent",
    // A button does not inherit the provider's font and colour by default.
    font: "inherit",
    color: "inherit",
    textAlign: "start",
    cursor: "pointer",
    ":hover": { backgroundColor: tokens.colorSubtleBackgroundHover },
    ...createFocusOutlineStyle(),
  },
  wide: {
    gridTemplateColumns: "minmax(0, 1fr) auto auto",
    gridTemplateAreas: `"name stock distance" "details stock distance"`,
  },
  narrow: {
    gridTemplateColumns: "minmax(0, 1fr) auto",
    gridTemplateAreas: `"name distance" "details details" "stock stock"`,
  },
  inert: { cursor: "default" },
  current: { backgroundColor: tokens.colorBrandBackground2 },
  name: { gridArea: "name", display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, minWidth: 0 },
  // A name wraps to two lines rather than being cut after a few characters: on a 320 px phone it
  // is what the technician reads first (the row's height leaves room for both lines).
  nameText: {
    fontWeight: tokens.fontWeightSemibold,
    overflow: "hidden",
    overflowWrap: "anywhere",
    display: "-webkit-box",
    WebkitLineClamp: 2,
    WebkitBoxOrient: "vertical",
  },
  // Two lines at most (identifier and a long address), clipped with an ellipsis.
  details: {
    gridArea: "details",
    color: tokens.colorNeutralForeground3,
    overflow: "hidden",
    minWidth: 0,
    display: "-webkit-box",
    WebkitLineClamp: 2,
    WebkitBoxOrient: "vertical",
  },
  distance: { gridArea: "distance", alignSelf: "center", whiteSpace: "nowrap", fontVariantNumeric: "tabular-nums" },
  stock: { gridArea: "stock", alignSelf: "center" },
  // A tap target of at least 44 × 44 px (WCAG 2.5.5), as every touch target in the list.
  directions: {
    alignSelf: "center",
    flexShrink: 0,
    display: "inline-flex",
    alignItems: "center",
    justifyContent: "center",
    minHeight: "44px",
    minWidth: "44px",
    padding: `0 ${tokens.spacingHorizontalS}`,
  },
});

export function WarehouseRow(props: WarehouseRowProps): React.ReactElement {
  const { warehouse, strings, layout } = props;
  const styles = useStyles();
  const detailsId = useId("warehouse-details");
  const stockId = useId("warehouse-stock");
  const details = [warehouse.identifier, warehouse.address].filter((part) => part !== null && part !== "").join(" · ");
  return (
    <div className={mergeClasses(styles.row, props.selected && styles.current)}>
      <button
        type="button"
        ref={props.focusRef}
        tabIndex={props.tabIndex}
        className={mergeClasses(
          styles.choose,
          layout === "wide" ? styles.wide : styles.narrow,
          !props.actionable && styles.inert,
        )}
        aria-label={format(strings.rowLabel, { name: warehouse.name, distance: props.distance })}
        aria-describedby={props.stock !== null ? `${detailsId} ${stockId}` : detailsId}
        aria-current={props.selected ? "true" : undefined}
        aria-disabled={props.actionable ? undefined : true}
        onClick={() => {
          if (props.actionable) {
            props.onChoose(warehouse);
          }
        }}
      >
        <span className={styles.name}>
          <span className={styles.nameText}>{warehouse.name}</span>
          {props.selected && (
            <Badge appearance="filled" color="brand" shape="rounded" size="small">
              {strings.selected}
            </Badge>
          )}
        </span>
        <span className={styles.distance}>{props.distance}</span>
        <Caption1 id={detailsId} className={styles.details}>
          {details}
        </Caption1>
        {props.stock !== null && (
          <span id={stockId} className={styles.stock}>
            <Badge appearance="tint" color={props.inStock ? "success" : "danger"} shape="rounded">
              {props.stock}
            </Badge>
          </span>
        )}
      </button>
      <Link
        className={styles.directions}
        href={props.directionsHref}
        target="_blank"
        rel="noopener noreferrer"
        tabIndex={props.tabIndex}
        aria-label={format(strings.directionsTo, { name: warehouse.name })}
      >
        {strings.directions}
      </Link>
    </div>
  );
}
