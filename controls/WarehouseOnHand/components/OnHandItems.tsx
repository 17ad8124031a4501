/**
 * The items of the on-hand panel. Wide: a table (product, on hand, available, on order, unit), so a
 * screen reader announces each number with its column. Narrow (a phone): a list where each item
 * stacks its name over the three quantities, each with its own term, so nothing scrolls sideways.
 * Nothing here is focusable: the quantities are read, not chosen.
 */
import * as React from "react";
import {
  Caption1,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  mergeClasses,
  tokens,
} from "@fluentui/react-components";
import type { Layout } from "../../shared/layout";
import type { OnHandItem } from "../services/warehouseOnHand";
import type { OnHandStrings } from "./strings";

export interface OnHandItemsProps {
  readonly items: readonly OnHandItem[];
  readonly strings: OnHandStrings;
  readonly layout: Layout;
  /** The table's or list's accessible name. */
  readonly label: string;
  readonly formatQuantity: (value: number) => string;
}

const useStyles = makeStyles({
  table: { tableLayout: "auto", width: "100%" },
  number: { textAlign: "end", fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" },
  // A header cell lays its text out in a flex row (its "button" slot); end it like the numbers below.
  endAligned: { justifyContent: "flex-end" },
  productCell: { overflowWrap: "anywhere", fontWeight: tokens.fontWeightSemibold },
  shortfall: { color: tokens.colorPaletteRedForeground1 },
  list: { margin: 0, padding: 0, listStyleType: "none" },
  item: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalXS}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  itemHeader: { display: "flex", alignItems: "baseline", gap: tokens.spacingHorizontalS, minWidth: 0 },
  itemName: { flexGrow: 1, minWidth: 0, overflowWrap: "anywhere", fontWeight: tokens.fontWeightSemibold },
  itemUnit: { color: tokens.colorNeutralForeground3, flexShrink: 0 },
  quantities: {
    display: "grid",
    gridTemplateColumns: "repeat(3, minmax(0, 1fr))",
    columnGap: tokens.spacingHorizontalS,
    margin: 0,
  },
  quantity: { display: "flex", flexDirection: "column", minWidth: 0 },
  term: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  value: { margin: 0, fontVariantNumeric: "tabular-nums", fontSize: tokens.fontSizeBase300 },
});

export function OnHandItems(props: OnHandItemsProps): React.ReactElement {
  const { items, strings, formatQuantity } = props;
  const styles = useStyles();
  const name = (item: OnHandItem) => item.product ?? strings.unnamedProduct;

  if (props.layout === "narrow") {
    const quantity = (term: string, value: number, shortfall = false) => (
      <div className={styles.quantity}>
        <dt className={styles.term}>{term}</dt>
        <dd className={mergeClasses(styles.value, shortfall && value <= 0 && styles.shortfall)}>
          {formatQuantity(value)}
        </dd>
      </div>
    );
    return (
      <ul className={styles.list} aria-label={props.label}>
        {items.map((item) => (
          <li key={item.id} className={styles.item}>
            <div className={styles.itemHeader}>
              <span className={styles.itemName}>{name(item)}</span>
              {item.unit !== null && <Caption1 className={styles.itemUnit}>{item.unit}</Caption1>}
            </div>
            <dl className={styles.quantities}>
              {quantity(strings.onHand, item.onHand)}
              {quantity(strings.available, item.available, true)}
              {quantity(strings.onOrder, item.onOrder)}
            </dl>
          </li>
        ))}
      </ul>
    );
  }

  const numberHeader = (label: string) => (
    <TableHeaderCell className={styles.number} button={{ className: styles.endAligned }}>
      {label}
    </TableHeaderCell>
  );
  return (
    <Table className={styles.table} size="small" aria-label={props.label}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{strings.product}</TableHeaderCell>
          {numberHeader(strings.onHand)}
          {numberHeader(strings.available)}
          {numberHeader(strings.onOrder)}
          <TableHeaderCell>{strings.unit}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((item) => (
          <TableRow key={item.id}>
            <TableCell className={styles.productCell}>{name(item)}</TableCell>
            <TableCell className={styles.number}>{formatQuantity(item.onHand)}</TableCell>
            <TableCell className={mergeClasses(styles.number, item.available <= 0 && styles.shortfall)}>
              {formatQuantity(item.available)}
            </TableCell>
            <TableCell className={styles.number}>{formatQuantity(item.onOrder)}</TableCell>
            <TableCell>{item.unit ?? ""}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
