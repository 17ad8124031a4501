/**
 * The warehouse form's on-hand panel: when SCM last confirmed the quantities, a refresh button, and
 * the warehouse's top items by quantity on hand — or why there is nothing to show (a new record,
 * no stock, an error). Pure React: the service, the record and the formatters come in as props.
 */
import * as React from "react";
import { Button, Caption1, Spinner, makeStyles, tokens } from "@fluentui/react-components";
import { Notice } from "../../shared/components/Notice";
import type { Layout } from "../../shared/layout";
import { format } from "../../shared/strings";
import { syncAge } from "../services/syncAge";
import type { OnHandResult, WarehouseOnHandService } from "../services/warehouseOnHand";
import { OnHandItems } from "./OnHandItems";
import type { OnHandStrings } from "./strings";

/** Which record the form shows: the panel reads stock only for a saved warehouse. */
export type OnHandRecord =
  | { readonly kind: "warehouse"; readonly id: string }
  | { readonly kind: "unsaved" }
  | { readonly kind: "notWarehouse" };

export interface WarehouseOnHandProps {
  readonly strings: OnHandStrings;
  readonly service: WarehouseOnHandService;
  readonly record: OnHandRecord;
  /** The warehouse's identifier (the bound column), named in the list's label when set. */
  readonly identifier: string | null;
  readonly maxItems: number;
  readonly layout: Layout;
  readonly offline: boolean;
  /** Formats a number the user's way, e.g. `context.formatting.formatDecimal`. */
  readonly formatNumber: (value: number, decimals: number) => string;
  /** The user's short date and time, e.g. `context.formatting.formatDateShort(date, true)`. */
  readonly formatDateTime: (value: Date) => string;
  /** The current time in ms; a prop so tests need no clock of their own. */
  readonly now: () => number;
}

type LoadState =
  | { readonly status: "loading"; readonly previous: OnHandResult | null }
  | {
      readonly status: "loaded";
      readonly warehouseId: string;
      readonly result: OnHandResult;
      readonly loadedAt: number;
    }
  | { readonly status: "failed" };

/** The relative time ("5 minutes ago") is worded again this often while the form stays open. */
const clockTickMs = 60_000;

const useStyles = makeStyles({
  // Relative: the hidden announcement below is positioned within the panel.
  root: { position: "relative", display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: 0 },
  header: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    justifyContent: "space-between",
    gap: tokens.spacingHorizontalM,
    minWidth: 0,
  },
  status: { color: tokens.colorNeutralForeground2, minWidth: 0, flexGrow: 1 },
  caption: { color: tokens.colorNeutralForeground3 },
  visuallyHidden: {
    position: "absolute",
    width: "1px",
    height: "1px",
    overflow: "hidden",
    clip: "rect(0 0 0 0)",
    whiteSpace: "nowrap",
  },
});

function quantityFormatter(formatNumber: WarehouseOnHandProps["formatNumber"]): (value: number) => string {
  // Quantities are decimals with two places; whole numbers read better without ".00".
  return (value) => formatNumber(value, Number.isInteger(value) ? 0 : 2);
}

export function WarehouseOnHandView(props: WarehouseOnHandProps): React.ReactElement {
  const { strings, service, record, maxItems } = props;
  const styles = useStyles();
  const [load, setLoad] = React.useState<LoadState>({ status: "loading", previous: null });
  const [attempt, setAttempt] = React.useState(0);
  const [, setTick] = React.useState(0);
  const now = React.useRef(props.now);
  now.current = props.now;

  React.useEffect(() => {
    const timer = setInterval(() => {
      setTick((tick) => tick + 1);
    }, clockTickMs);
    return () => {
      clearInterval(timer);
    };
  }, []);

  const warehouseId = record.kind === "warehouse" ? record.id : null;
  React.useEffect(() => {
    if (warehouseId === null) {
      return undefined;
    }
    // A late answer for an earlier warehouse, count or attempt never overwrites a newer one.
    let live = true;
    // A refresh keeps the rows on screen while it reloads; another warehouse's rows never show.
    setLoad((current) => ({
      status: "loading",
      previous: current.status === "loaded" && current.warehouseId === warehouseId ? current.result : null,
    }));
    service.onHand(warehouseId, maxItems).then(
      (result) => {
        if (live) setLoad({ status: "loaded", warehouseId, result, loadedAt: now.current() });
      },
      () => {
        if (live) setLoad({ status: "failed" });
      },
    );
    return () => {
      live = false;
    };
  }, [service, warehouseId, maxItems, attempt]);

  if (record.kind !== "warehouse") {
    return (
      <section className={styles.root} aria-label={strings.panelLabel}>
        {record.kind === "unsaved" ? (
          <Notice intent="info" title={strings.notSavedTitle}>
            {strings.notSaved}
          </Notice>
        ) : (
          <Notice intent="warning">{strings.notWarehouse}</Notice>
        )}
      </section>
    );
  }

  const refresh = () => {
    setAttempt((count) => count + 1);
  };
  const shown = load.status === "loaded" ? load.result : load.status === "loading" ? load.previous : null;

  const syncedText = (syncedOn: Date, at: number): string => {
    const age = syncAge(syncedOn, at);
    switch (age.kind) {
      case "justNow":
        return strings.justNow;
      case "minutes":
        return format(age.count === 1 ? strings.minuteAgo : strings.minutesAgo, { count: age.count });
      case "hours":
        return format(age.count === 1 ? strings.hourAgo : strings.hoursAgo, { count: age.count });
      case "days":
        return format(age.count === 1 ? strings.dayAgo : strings.daysAgo, { count: age.count });
      case "date":
        return props.formatDateTime(syncedOn);
    }
  };

  // What the panel shows and what it announces. The shown time is worded again every minute; the
  // announcement (a polite live region) says it as of the load only, so a screen reader hears it
  // once per load or refresh rather than every minute. The shown time goes in a <time> element
  // (the exact date as its title) wherever the language puts the placeholder.
  const [syncedBefore = "", syncedAfter = ""] = strings.lastSynced.split("{when}");
  let status: React.ReactNode = null;
  let announcement = "";
  if (load.status === "loading") {
    status = <Spinner size="tiny" labelPosition="after" label={strings.loading} />;
    announcement = strings.loading;
  } else if (load.status === "loaded") {
    const { lastSyncedOn } = load.result;
    if (lastSyncedOn === null) {
      status = strings.neverSynced;
      announcement = strings.neverSynced;
    } else {
      status = (
        <>
          {syncedBefore}
          <time dateTime={lastSyncedOn.toISOString()} title={props.formatDateTime(lastSyncedOn)}>
            {syncedText(lastSyncedOn, props.now())}
          </time>
          {syncedAfter}
        </>
      );
      announcement = format(strings.lastSynced, { when: syncedText(lastSyncedOn, load.loadedAt) });
    }
  } else {
    announcement = props.offline ? strings.offlineErrorTitle : strings.errorTitle;
  }

  let body: React.ReactNode = null;
  if (load.status === "failed") {
    body = (
      <Notice
        intent="error"
        title={props.offline ? strings.offlineErrorTitle : strings.errorTitle}
        action={{ label: strings.retry, onClick: refresh }}
      >
        {props.offline ? strings.offlineError : strings.errorBody}
      </Notice>
    );
  } else if (shown !== null && shown.items.length === 0) {
    body = (
      <Notice intent="info" title={strings.emptyTitle}>
        {strings.emptyBody}
      </Notice>
    );
  } else if (shown !== null) {
    body = (
      <>
        <OnHandItems
          items={shown.items}
          strings={strings}
          layout={props.layout}
          label={props.identifier ? format(strings.itemsLabelAt, { warehouse: props.identifier }) : strings.itemsLabel}
          formatQuantity={quantityFormatter(props.formatNumber)}
        />
        {shown.more && (
          <Caption1 className={styles.caption}>{format(strings.showingTop, { count: shown.items.length })}</Caption1>
        )}
      </>
    );
  }

  return (
    <section className={styles.root} aria-label={strings.panelLabel} aria-busy={load.status === "loading"}>
      <div className={styles.header}>
        <Caption1 className={styles.status}>{status}</Caption1>
        {/* Focusable while disabled: a keyboard user who pressed it keeps their place. */}
        <Button size="small" disabledFocusable={load.status === "loading"} onClick={refresh}>
          {strings.refresh}
        </Button>
      </div>
      <span className={styles.visuallyHidden} role="status">
        {announcement}
      </span>
      {props.offline && <Caption1 className={styles.caption}>{strings.offlineInfo}</Caption1>}
      {body}
    </section>
  );
}
