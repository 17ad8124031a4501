/**
 * The NearbyWarehouses UI: finds a position, asks the service for the warehouses around it, and
 * lists them nearest first. Pure React: everything it needs comes in as props (strings, the service,
 * the form's state), and choosing a row goes out through `onChoose`.
 */
import * as React from "react";
import { Caption1, Spinner, Switch, makeStyles, tokens } from "@fluentui/react-components";
import type { GeoPoint } from "@fsi/core/geo";
import { Notice, type NoticeProps } from "../../shared/components/Notice";
import { VirtualList } from "../../shared/components/VirtualList";
import type { Layout } from "../../shared/layout";
import { sameId } from "../../shared/services/ids";
import { format } from "../../shared/strings";
import { directionsUrl } from "../services/directions";
import type { NearbySearchResult, NearbyWarehouse, NearbyWarehousesService } from "../services/nearbyWarehouses";
import type { PositionInputs, PositionSource } from "../services/position";
import { distanceDecimals, fromKm, largestRadiusKm, widenedRadiusKm, type DistanceUnit } from "../services/units";
import type { NearbyStrings } from "./strings";
import { WarehouseRow, rowHeights } from "./WarehouseRow";

export type NearbyMode = "select" | "browse";

export interface NearbyWarehousesProps {
  readonly strings: NearbyStrings;
  readonly service: NearbyWarehousesService;
  readonly positionInputs: PositionInputs;
  /** The control's radius input; null to use `fsi_NearbyRadiusKm` (through the service). */
  readonly radiusKm: number | null;
  readonly maxResults: number;
  readonly companyId: string | null;
  readonly productId: string | null;
  /** Warehouse types listed (choice values); null or absent for every type. */
  readonly warehouseTypes?: readonly number[] | null;
  /** "select" sets a warehouse lookup; "browse" opens the warehouse. */
  readonly mode: NearbyMode;
  readonly selectedId: string | null;
  readonly readOnly: boolean;
  readonly offline: boolean;
  readonly layout: Layout;
  readonly unit: DistanceUnit;
  /** Formats a number the user's way (decimal separator), e.g. `context.formatting.formatDecimal`. */
  readonly formatNumber: (value: number, decimals: number) => string;
  readonly onChoose: (warehouse: NearbyWarehouse) => void;
}

type PositionState =
  | { readonly status: "locating" }
  | { readonly status: "found"; readonly position: GeoPoint; readonly source: PositionSource }
  | { readonly status: "unknown" };

type SearchState =
  | { readonly status: "idle" }
  | { readonly status: "loading" }
  | { readonly status: "loaded"; readonly result: NearbySearchResult }
  | { readonly status: "failed" };

const sourceKey: Readonly<Record<PositionSource, keyof NearbyStrings>> = {
  device: "sourceDevice",
  record: "sourceRecord",
  workOrder: "sourceWorkOrder",
  serviceAccount: "sourceServiceAccount",
};

/** Lists longer than this scroll inside the control and render only the rows in view. */
const virtualizeAbove = 20;

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: 0 },
  summary: { color: tokens.colorNeutralForeground2 },
  list: { borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
});

function samePosition(inputs: PositionInputs): string {
  const { record } = inputs;
  return [inputs.useDevice, record?.latitude, record?.longitude, inputs.workOrderId, inputs.serviceAccountId].join("|");
}

export function NearbyWarehousesView(props: NearbyWarehousesProps): React.ReactElement {
  const { strings, service, layout } = props;
  const styles = useStyles();
  const [position, setPosition] = React.useState<PositionState>({ status: "locating" });
  const [radiusKm, setRadiusKm] = React.useState<number | null>(props.radiusKm);
  const [search, setSearch] = React.useState<SearchState>({ status: "idle" });
  const [attempt, setAttempt] = React.useState(0);
  const [stockOnly, setStockOnly] = React.useState(false);

  // Each effect drops its answer once superseded or unmounted (`live`), so a slow reply for an old
  // position or radius never overwrites a newer one.
  const positionKey = samePosition(props.positionInputs);
  React.useEffect(() => {
    let live = true;
    setPosition({ status: "locating" });
    service.locate(props.positionInputs).then(
      (result) => {
        if (live) {
          setPosition(
            result.kind === "found"
              ? { status: "found", position: result.position, source: result.source }
              : { status: "unknown" },
          );
        }
      },
      () => {
        if (live) {
          setPosition({ status: "unknown" });
        }
      },
    );
    return () => {
      live = false;
    };
    // The inputs object is rebuilt on every updateView; its content is what matters.
  }, [service, positionKey]);

  React.useEffect(() => {
    if (props.radiusKm !== null) {
      setRadiusKm(props.radiusKm);
      return undefined;
    }
    let live = true;
    void service.defaultRadiusKm().then((configured) => {
      if (live) {
        setRadiusKm(configured);
      }
    });
    return () => {
      live = false;
    };
  }, [service, props.radiusKm]);

  const { companyId, productId, maxResults } = props;
  // A stable key for the effect: the form passes a new array on every update.
  const typesKey =
    props.warehouseTypes === null || props.warehouseTypes === undefined ? "all" : props.warehouseTypes.join(",");
  React.useEffect(() => {
    if (position.status !== "found" || radiusKm === null) {
      return undefined;
    }
    let live = true;
    setSearch({ status: "loading" });
    const warehouseTypes = typesKey === "all" ? null : typesKey.split(",").map(Number);
    service.search({ center: position.position, radiusKm, companyId, productId, maxResults, warehouseTypes }).then(
      (result) => {
        if (live) {
          setSearch({ status: "loaded", result });
        }
      },
      () => {
        if (live) {
          setSearch({ status: "failed" });
        }
      },
    );
    return () => {
      live = false;
    };
  }, [service, position, radiusKm, companyId, productId, maxResults, typesKey, attempt]);

  const unitLabel = props.unit === "mi" ? strings.unitMi : strings.unitKm;
  const formatDistance = (km: number) => {
    const value = fromKm(km, props.unit);
    // Under a tenth rounds to "0.0", which reads as "here"; say "< 0.1" instead.
    return value < 0.05
      ? `< ${props.formatNumber(0.1, 1)} ${unitLabel}`
      : `${props.formatNumber(value, distanceDecimals(value))} ${unitLabel}`;
  };

  const widen = (current: number): NoticeProps["action"] =>
    current < largestRadiusKm
      ? {
          label: format(strings.widenTo, { radius: formatDistance(widenedRadiusKm(current)) }),
          primary: true,
          onClick: () => {
            setRadiusKm(widenedRadiusKm(current));
          },
        }
      : undefined;

  const summary: string[] = [];
  if (position.status === "found") {
    summary.push(format(strings.distancesFrom, { source: strings[sourceKey[position.source]] }));
  }
  if (radiusKm !== null && position.status === "found") {
    summary.push(format(strings.withinRadius, { radius: formatDistance(radiusKm) }));
  }

  let body: React.ReactNode;
  let toolbar: React.ReactNode = null;
  if (position.status === "unknown") {
    body = (
      <Notice intent="warning" title={strings.noPositionTitle}>
        {strings.noPosition}
      </Notice>
    );
  } else if (
    position.status === "locating" ||
    radiusKm === null ||
    search.status === "loading" ||
    search.status === "idle"
  ) {
    body = (
      <Spinner
        size="small"
        labelPosition="after"
        label={position.status === "found" ? strings.searching : strings.locating}
      />
    );
  } else if (search.status === "failed") {
    body = (
      <Notice
        intent="error"
        title={props.offline ? strings.offlineErrorTitle : strings.errorTitle}
        action={{
          label: strings.retry,
          onClick: () => {
            setAttempt((count) => count + 1);
          },
        }}
      >
        {props.offline ? strings.offlineError : strings.errorBody}
      </Notice>
    );
  } else {
    const { result } = search;
    const filterByStock = stockOnly && result.stock === "loaded";
    const shown = result.warehouses
      .filter((warehouse) => !filterByStock || (warehouse.stock?.available ?? 0) > 0)
      .slice(0, maxResults);
    if (result.inRadius > 0) {
      summary.push(
        result.allInRadius
          ? format(strings.showingCount, { shown: shown.length, total: result.inRadius })
          : format(strings.nearestCount, { shown: shown.length }),
      );
    }
    if (result.stock === "loaded") {
      toolbar = (
        <Switch
          label={strings.hasStockOnly}
          checked={stockOnly}
          onChange={(_event, data) => {
            setStockOnly(data.checked);
          }}
        />
      );
    }
    if (result.inRadius === 0) {
      body = (
        <Notice
          intent="info"
          title={format(strings.emptyTitle, { radius: formatDistance(radiusKm) })}
          action={widen(radiusKm)}
        />
      );
    } else if (shown.length === 0) {
      body = <Notice intent="info" title={strings.noStockNearby} action={widen(radiusKm)} />;
    } else {
      const from = position.position;
      body = (
        <>
          {result.truncated && <Notice intent="warning">{strings.truncated}</Notice>}
          {result.stock === "unavailable" && <Notice intent="warning">{strings.stockUnavailable}</Notice>}
          <VirtualList
            className={styles.list}
            items={shown}
            itemKey={(warehouse) => warehouse.id}
            label={strings.listLabel}
            rowHeight={rowHeights[layout]}
            viewportRows={layout === "narrow" ? 5 : 8}
            virtualizeAbove={virtualizeAbove}
            renderRow={(warehouse, _index, rowProps) => (
              <WarehouseRow
                {...rowProps}
                warehouse={warehouse}
                strings={strings}
                layout={layout}
                distance={formatDistance(warehouse.distanceKm)}
                stock={
                  warehouse.stock === null
                    ? null
                    : warehouse.stock.available > 0
                      ? format(strings.stockLevel, {
                          available: props.formatNumber(warehouse.stock.available, 0),
                          onHand: props.formatNumber(warehouse.stock.onHand, 0),
                        })
                      : strings.outOfStock
                }
                inStock={(warehouse.stock?.available ?? 0) > 0}
                selected={
                  props.mode === "select" && props.selectedId !== null && sameId(props.selectedId, warehouse.id)
                }
                actionable={props.mode === "browse" || !props.readOnly}
                directionsHref={directionsUrl(from, warehouse.position)}
                onChoose={props.onChoose}
              />
            )}
          />
        </>
      );
    }
  }

  return (
    <div className={styles.root}>
      {summary.length > 0 && (
        <Caption1 className={styles.summary} role="status">
          {summary.join(" · ")}
        </Caption1>
      )}
      {props.offline && <Notice intent="info">{strings.offlineInfo}</Notice>}
      {props.readOnly && props.mode === "select" && <Caption1>{strings.readOnly}</Caption1>}
      {toolbar}
      {body}
    </div>
  );
}
