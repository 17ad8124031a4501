import * as React from "react";
import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  type MessageBarIntent,
} from "@fluentui/react-components";

export interface NoticeProps {
  readonly intent: MessageBarIntent;
  readonly title?: string;
  readonly children?: React.ReactNode;
  /** One button, e.g. "Try again" or "Widen to 50 km". */
  readonly action?: { readonly label: string; readonly onClick: () => void; readonly primary?: boolean };
}

/**
 * A message bar that always wraps its text (`multiline`): a phone is narrow, and the single-line
 * layout needs a ResizeObserver to fall back to wrapping.
 */
export function Notice(props: NoticeProps): React.ReactElement {
  return (
    <MessageBar intent={props.intent} layout="multiline">
      <MessageBarBody>
        {props.title !== undefined && <MessageBarTitle>{props.title}</MessageBarTitle>}
        {props.children}
      </MessageBarBody>
      {props.action && (
        <MessageBarActions>
          <Button appearance={props.action.primary ? "primary" : "secondary"} onClick={props.action.onClick}>
            {props.action.label}
          </Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}
