/**
 * The integration fields of a record at a glance (company, SCM identifier, site, sync status, last
 * sync, last error) and a "Check against SCM" button that lists SCM's verdict column by column.
 * Pure React: values and the check come in as props; nothing here knows PCF.
 */
import * as React from "react";
import {
  Badge,
  Button,
  Caption1,
  Spinner,
  makeStyles,
  mergeClasses,
  tokens,
  type BadgeProps,
} from "@fluentui/react-components";
import { Notice } from "../../shared/components/Notice";
import type { ScmSyncStatus } from "@fsi/core/dataverse/tables/integration-tables";
import type { Layout } from "../../shared/layout";
import { format } from "../../shared/strings";
import type { CheckOutcome, LabelledIssue } from "../services/scmCheck";
import type { UncheckedReason } from "../services/validationClient";
import type { PanelStringKey, PanelStrings } from "./strings";

type SyncStatusValue = (typeof ScmSyncStatus)[keyof typeof ScmSyncStatus];

/** `fsi_scmsyncstatus` values (core's ScmSyncStatus; the type keeps them equal). */
const syncStatus: Readonly<Record<SyncStatusValue, { key: PanelStringKey; color: BadgeProps["color"] }>> = {
  716900000: { key: "statusNotSynced", color: "informative" },
  716900001: { key: "statusPending", color: "warning" },
  716900002: { key: "statusSynced", color: "success" },
  716900003: { key: "statusFailed", color: "danger" },
};

const failedStatus: SyncStatusValue = 716900003;
const pendingStatus: SyncStatusValue = 716900001;

/** True until the given time (epoch ms), re-rendering once when it passes. */
function useUntil(until: number | null): boolean {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    const remaining = until === null ? 0 : until - Date.now();
    if (remaining <= 0) return undefined;
    const timer = setTimeout(() => {
      setTick((tick) => tick + 1);
    }, remaining);
    return () => {
      clearTimeout(timer);
    };
  }, [until]);
  return until !== null && until > Date.now();
}

const reasonKey: Readonly<Record<Exclude<UncheckedReason, "notSaved">, PanelStringKey>> = {
  signInRequired: "reasonSignInRequired",
  signInUnavailable: "reasonSignInUnavailable",
  notConfigured: "reasonNotConfigured",
  noCompany: "reasonNoCompany",
  cannotRead: "reasonCannotRead",
  unauthorized: "reasonUnauthorized",
  refused: "reasonRefused",
  scmUnavailable: "reasonScmUnavailable",
  timeout: "reasonTimeout",
  unreachable: "reasonUnreachable",
  badReply: "reasonBadReply",
};

export interface ScmIntegrationPanelProps {
  readonly strings: PanelStrings;
  readonly layout: Layout;
  readonly company: string | null;
  readonly scmIdentifier: string | null;
  /** Null hides the row (only warehouses have a site). */
  readonly site: string | null | undefined;
  readonly syncStatus: number | null;
  /** The platform's label for the status, in the user's language; our own label when absent. */
  readonly syncStatusLabel: string | null;
  readonly lastSyncedOn: string | null;
  readonly lastError: string | null;
  /**
   * Set while a row first saved in this form has no sync status yet and its first sync may still
   * arrive (epoch ms): the panel shows Pending until then, and Unknown after.
   */
  readonly firstSyncUntil: number | null;
  readonly saved: boolean;
  readonly readOnly: boolean;
  readonly offline: boolean;
  readonly onCheck: () => Promise<CheckOutcome>;
  /** Opens the sign-in popup; called synchronously from the Sign in button's click. */
  readonly onSignIn: () => Promise<void>;
}

type CheckState =
  | { readonly status: "idle" }
  | { readonly status: "checking" }
  | { readonly status: "done"; readonly outcome: CheckOutcome };

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
  fields: { display: "grid", margin: 0, columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalS },
  wide: { gridTemplateColumns: "repeat(2, minmax(0, 1fr))" },
  narrow: { gridTemplateColumns: "minmax(0, 1fr)" },
  field: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXXS, minWidth: 0 },
  term: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  value: {
    margin: 0,
    color: tokens.colorNeutralForeground1,
    fontSize: tokens.fontSizeBase300,
    overflowWrap: "anywhere",
  },
  actions: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalM },
  issues: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL },
  issueColumn: { fontWeight: tokens.fontWeightSemibold },
});

function IssueList(props: {
  readonly issues: readonly LabelledIssue[];
  readonly strings: PanelStrings;
  readonly label: string;
}) {
  const styles = useStyles();
  return (
    <ul className={styles.issues} aria-label={props.label}>
      {props.issues.map((issue, index) => (
        <li key={`${issue.attribute ?? ""}-${issue.code}-${index}`}>
          <span className={styles.issueColumn}>{issue.label ?? props.strings.recordLevel}</span>: {issue.message}
        </li>
      ))}
    </ul>
  );
}

export function ScmIntegrationPanelView(props: ScmIntegrationPanelProps): React.ReactElement {
  const { strings } = props;
  const styles = useStyles();
  const [check, setCheck] = React.useState<CheckState>({ status: "idle" });
  const live = React.useRef(true);
  React.useEffect(
    () => () => {
      live.current = false;
    },
    [],
  );

  const awaitingFirstSync = useUntil(props.firstSyncUntil);
  const pending = syncStatus[pendingStatus];
  const status =
    props.syncStatus === null
      ? awaitingFirstSync
        ? pending
        : undefined
      : syncStatus[props.syncStatus as SyncStatusValue];
  const statusLabel =
    props.syncStatus === null
      ? status
        ? strings[status.key]
        : strings.statusUnknown
      : (props.syncStatusLabel ?? (status ? strings[status.key] : strings.statusUnknown));

  const field = (term: string, value: React.ReactNode) => (
    <div className={styles.field} key={term}>
      <dt className={styles.term}>{term}</dt>
      <dd className={styles.value}>{value}</dd>
    </div>
  );

  const blocked = !props.saved
    ? strings.notSaved
    : props.readOnly
      ? strings.readOnly
      : props.offline
        ? strings.offline
        : null;

  const runCheck = () => {
    setCheck({ status: "checking" });
    props.onCheck().then(
      (outcome) => {
        if (live.current) setCheck({ status: "done", outcome });
      },
      (error: unknown) => {
        if (live.current) {
          setCheck({
            status: "done",
            outcome: {
              kind: "unchecked",
              reason: "unreachable",
              detail: error instanceof Error ? error.message : String(error),
            },
          });
        }
      },
    );
  };

  let result: React.ReactNode = null;
  if (check.status === "checking") {
    result = <Spinner size="tiny" labelPosition="after" label={strings.checking} />;
  } else if (check.status === "done") {
    const { outcome } = check;
    if (outcome.kind === "unchecked") {
      const message =
        outcome.reason === "notSaved"
          ? strings.notSaved
          : format(strings[reasonKey[outcome.reason]], { detail: outcome.detail });
      const signIn = () => {
        props.onSignIn().then(runCheck, (error: unknown) => {
          if (live.current) {
            setCheck({
              status: "done",
              outcome: {
                kind: "unchecked",
                reason: "unauthorized",
                detail: error instanceof Error ? error.message : String(error),
              },
            });
          }
        });
      };
      result = (
        <Notice intent="warning" title={strings.uncheckedTitle}>
          {message}
          {outcome.reason === "signInRequired" && (
            <div className={styles.actions}>
              <Button appearance="primary" onClick={signIn}>
                {strings.signIn}
              </Button>
            </div>
          )}
        </Notice>
      );
    } else {
      result = (
        <>
          <Notice
            intent={outcome.valid ? "success" : "error"}
            title={outcome.valid ? strings.validTitle : strings.invalidTitle}
          >
            {outcome.valid && strings.validBody}
            {outcome.errors.length > 0 && (
              <IssueList issues={outcome.errors} strings={strings} label={strings.resultsLabel} />
            )}
          </Notice>
          {outcome.warnings.length > 0 && (
            <Notice intent="warning" title={strings.warningsTitle}>
              <IssueList issues={outcome.warnings} strings={strings} label={strings.warningsTitle} />
            </Notice>
          )}
        </>
      );
    }
  }

  return (
    <section className={styles.root} aria-label={strings.panelLabel}>
      <dl className={mergeClasses(styles.fields, props.layout === "wide" ? styles.wide : styles.narrow)}>
        {field(strings.company, props.company ?? strings.none)}
        {field(strings.scmIdentifier, props.scmIdentifier ?? strings.none)}
        {props.site !== undefined && field(strings.site, props.site ?? strings.none)}
        {field(
          strings.syncStatus,
          <Badge appearance="tint" shape="rounded" color={status?.color ?? "subtle"}>
            {statusLabel}
          </Badge>,
        )}
        {field(strings.lastSynced, props.lastSyncedOn ?? (awaitingFirstSync ? strings.waitingForScm : strings.never))}
      </dl>
      {props.lastError && (
        <Notice intent={props.syncStatus === failedStatus ? "error" : "warning"} title={strings.lastError}>
          {props.lastError}
        </Notice>
      )}
      <div className={styles.actions}>
        <Button appearance="primary" disabled={blocked !== null || check.status === "checking"} onClick={runCheck}>
          {strings.check}
        </Button>
        {blocked !== null && <Caption1>{blocked}</Caption1>}
      </div>
      <div aria-live="polite">{result}</div>
    </section>
  );
}
