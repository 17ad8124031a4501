import * as React from "react";
import {
  Badge,
  Caption1,
  createFocusOutlineStyle,
  makeStyles,
  mergeClasses,
  tokens,
  useId,
} from "@fluentui/react-components";
import type { Layout } from "../../shared/layout";
import type { RowRenderProps } from "../../shared/components/VirtualList";
import { format } from "../../shared/strings";
import type { CustomerAssetOption } from "../services/customerAssets";
import type { PickerStrings } from "./strings";

export interface AssetRowProps extends RowRenderProps {
  readonly asset: CustomerAssetOption;
  readonly strings: PickerStrings;
  readonly layout: Layout;
  readonly showAccount: boolean;
  readonly selected: boolean;
  readonly onChoose: (asset: CustomerAssetOption) => void;
}

export const assetRowHeights: Readonly<Record<Layout, number>> = { wide: 56, narrow: 92 };

const useStyles = makeStyles({
  choose: {
    width: "100%",
    height: "100%",
    boxSizing: "border-box",
    display: "grid",
    alignContent: "center",
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    border: "none",
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: "transparent",
    // A button does not inherit the provider's font and colour by default.
    font: "inherit",
    color: "inherit",
    textAlign: "start",
    cursor: "pointer",
    ":hover": { backgroundColor: tokens.colorSubtleBackgroundHover },
    ...createFocusOutlineStyle(),
  },
  wide: { gridTemplateColumns: "minmax(0, 1fr) auto", gridTemplateAreas: `"name origin" "details origin"` },
  narrow: { gridTemplateColumns: "minmax(0, 1fr)", gridTemplateAreas: `"name" "details" "origin"` },
  current: { backgroundColor: tokens.colorBrandBackground2 },
  name: {
    gridArea: "name",
    fontWeight: tokens.fontWeightSemibold,
    overflow: "hidden",
    textOverflow: "ellipsis",
    whiteSpace: "nowrap",
  },
  details: {
    gridArea: "details",
    color: tokens.colorNeutralForeground3,
    overflow: "hidden",
    textOverflow: "ellipsis",
    whiteSpace: "nowrap",
    minWidth: 0,
  },
  origin: {
    gridArea: "origin",
    alignSelf: "center",
    display: "flex",
    gap: tokens.spacingHorizontalXS,
    flexWrap: "wrap",
  },
});

export function AssetRow(props: AssetRowProps): React.ReactElement {
  const { asset, strings } = props;
  const styles = useStyles();
  const detailsId = useId("asset-details");
  const originId = useId("asset-origin");
  const details = [
    asset.assetTag ? format(strings.assetTag, { value: asset.assetTag }) : null,
    asset.scmAssetId ? format(strings.scmAssetId, { value: asset.scmAssetId }) : null,
    asset.category,
    props.showAccount && asset.account ? format(strings.account, { value: asset.account }) : null,
  ].filter((part): part is string => part !== null && part !== "");
  return (
    <button
      type="button"
      ref={props.focusRef}
      tabIndex={props.tabIndex}
      className={mergeClasses(
        styles.choose,
        props.layout === "wide" ? styles.wide : styles.narrow,
        props.selected && styles.current,
      )}
      aria-label={asset.name}
      aria-describedby={`${detailsId} ${originId}`}
      aria-current={props.selected ? "true" : undefined}
      onClick={() => {
        props.onChoose(asset);
      }}
    >
      <span className={styles.name}>{asset.name}</span>
      <Caption1 id={detailsId} className={styles.details}>
        {details.join(" · ")}
      </Caption1>
      <span id={originId} className={styles.origin}>
        {asset.origin === "fieldService" && (
          <Badge appearance="tint" color="brand" shape="rounded">
            {strings.originFieldService}
          </Badge>
        )}
        {asset.origin === "supplyChain" && (
          <Badge appearance="tint" color="important" shape="rounded">
            {strings.originSupplyChain}
          </Badge>
        )}
        {props.selected && (
          <Badge appearance="filled" color="brand" shape="rounded">
            {strings.selected}
          </Badge>
        )}
      </span>
    </button>
  );
}
