/**
 * The customer asset picker: the selected asset, a search box, a switch between the service
 * account's assets and every account of the company, and the matching assets with where each came
 * from (created in Field Service or synced from Supply Chain). Pure React: the search goes through
 * the service prop, the choice out through `onChoose` / `onClear`.
 */
import * as React from "react";
import { Button, Caption1, SearchBox, Spinner, Switch, Text, makeStyles, tokens } from "@fluentui/react-components";
import { Notice } from "../../shared/components/Notice";
import { VirtualList } from "../../shared/components/VirtualList";
import type { Layout } from "../../shared/layout";
import { sameId } from "../../shared/services/ids";
import { format } from "../../shared/strings";
import type { AssetScope } from "../services/assetQuery";
import type { AssetSearchResult, CustomerAssetOption, CustomerAssetService } from "../services/customerAssets";
import { AssetRow, assetRowHeights } from "./AssetRow";
import type { PickerStrings } from "./strings";

export interface CustomerAssetPickerProps {
  readonly strings: PickerStrings;
  readonly service: CustomerAssetService;
  readonly layout: Layout;
  readonly selected: { readonly id: string; readonly name: string } | null;
  readonly serviceAccountId: string | null;
  /** Used to find the service account when it is not bound (work order incident forms). */
  readonly workOrderId: string | null;
  readonly companyId: string | null;
  readonly pageSize: number;
  readonly readOnly: boolean;
  readonly offline: boolean;
  /** Typing pause before searching. */
  readonly debounceMs: number;
  readonly onChoose: (asset: CustomerAssetOption) => void;
  readonly onClear: () => void;
}

type AccountState = { readonly status: "resolving" } | { readonly status: "known"; readonly id: string | null };

type SearchState =
  | { readonly status: "idle" }
  | { readonly status: "loading" }
  | { readonly status: "loaded"; readonly result: AssetSearchResult; readonly term: string }
  | { readonly status: "failed" };

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: 0 },
  selection: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, flexWrap: "wrap", minWidth: 0 },
  selectionText: { display: "flex", flexDirection: "column", minWidth: 0, flexGrow: 1 },
  selectionName: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
  caption: { color: tokens.colorNeutralForeground3 },
  controls: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalM },
  search: { flexGrow: 1, minWidth: "200px", maxWidth: "100%" },
  list: { borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
});

export function CustomerAssetPickerView(props: CustomerAssetPickerProps): React.ReactElement {
  const { strings, service, layout } = props;
  const styles = useStyles();
  const [account, setAccount] = React.useState<AccountState>({ status: "resolving" });
  const [allAccounts, setAllAccounts] = React.useState(false);
  const [term, setTerm] = React.useState("");
  const [searchedTerm, setSearchedTerm] = React.useState("");
  const [search, setSearch] = React.useState<SearchState>({ status: "idle" });
  const [attempt, setAttempt] = React.useState(0);

  const { serviceAccountId, workOrderId } = props;
  React.useEffect(() => {
    if (serviceAccountId !== null || workOrderId === null) {
      setAccount({ status: "known", id: serviceAccountId });
      return undefined;
    }
    let live = true;
    setAccount({ status: "resolving" });
    service.serviceAccountOf(workOrderId).then(
      (id) => {
        if (live) setAccount({ status: "known", id });
      },
      () => {
        if (live) setAccount({ status: "known", id: null });
      },
    );
    return () => {
      live = false;
    };
  }, [service, serviceAccountId, workOrderId]);

  React.useEffect(() => {
    const timer = setTimeout(() => {
      setSearchedTerm(term);
    }, props.debounceMs);
    return () => {
      clearTimeout(timer);
    };
  }, [term, props.debounceMs]);

  const accountId = account.status === "known" ? account.id : null;
  const scope: AssetScope = allAccounts || accountId === null ? "company" : "account";
  const { companyId, pageSize, readOnly } = props;
  React.useEffect(() => {
    if (account.status !== "known" || readOnly) {
      return undefined;
    }
    let live = true;
    setSearch({ status: "loading" });
    service.search({ term: searchedTerm, scope, accountId, companyId, top: pageSize }).then(
      (result) => {
        if (live) setSearch({ status: "loaded", result, term: searchedTerm });
      },
      () => {
        if (live) setSearch({ status: "failed" });
      },
    );
    return () => {
      live = false;
    };
  }, [service, account.status, accountId, scope, companyId, pageSize, searchedTerm, readOnly, attempt]);

  const selection = (
    <div className={styles.selection}>
      <div className={styles.selectionText}>
        <Caption1 className={styles.caption}>{strings.selectedAsset}</Caption1>
        <Text weight="semibold" className={styles.selectionName}>
          {props.selected ? props.selected.name : strings.noneSelected}
        </Text>
      </div>
      {props.selected && !readOnly && (
        <Button aria-label={strings.clearLabel} onClick={props.onClear}>
          {strings.clear}
        </Button>
      )}
    </div>
  );

  if (readOnly) {
    return (
      <div className={styles.root}>
        {selection}
        <Caption1 className={styles.caption}>{strings.readOnly}</Caption1>
      </div>
    );
  }

  let body: React.ReactNode;
  if (account.status === "resolving" || search.status === "idle" || search.status === "loading") {
    body = <Spinner size="small" labelPosition="after" label={strings.searching} />;
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
  } else if (search.result.assets.length === 0) {
    body = (
      <Notice intent="info">
        {search.term.trim() === "" ? strings.emptyNoTerm : format(strings.emptyTitle, { term: search.term.trim() })}
      </Notice>
    );
  } else {
    body = (
      <>
        <VirtualList
          className={styles.list}
          items={search.result.assets}
          itemKey={(asset) => asset.id}
          label={strings.resultsLabel}
          rowHeight={assetRowHeights[layout]}
          viewportRows={layout === "narrow" ? 5 : 8}
          virtualizeAbove={20}
          renderRow={(asset, _index, rowProps) => (
            <AssetRow
              {...rowProps}
              asset={asset}
              strings={strings}
              layout={layout}
              showAccount={scope === "company"}
              selected={props.selected !== null && sameId(props.selected.id, asset.id)}
              onChoose={props.onChoose}
            />
          )}
        />
        {search.result.more && (
          <Caption1 className={styles.caption}>{format(strings.more, { count: pageSize })}</Caption1>
        )}
      </>
    );
  }

  return (
    <div className={styles.root}>
      {selection}
      {props.offline && <Notice intent="info">{strings.offlineInfo}</Notice>}
      <div className={styles.controls}>
        <SearchBox
          className={styles.search}
          aria-label={strings.searchLabel}
          placeholder={strings.searchPlaceholder}
          value={term}
          onChange={(_event, data) => {
            setTerm(data.value);
          }}
        />
        <Switch
          label={strings.allAccounts}
          checked={scope === "company"}
          disabled={accountId === null}
          onChange={(_event, data) => {
            setAllAccounts(data.checked);
          }}
        />
      </div>
      {account.status === "known" && accountId === null && (
        <Caption1 className={styles.caption}>{strings.noAccount}</Caption1>
      )}
      {body}
    </div>
  );
}
