import * as React from "react";
import { FluentProvider, webLightTheme, type PartialTheme } from "@fluentui/react-components";

export interface ControlRootProps {
  /** The app's theme (`context.fluentDesignLanguage.tokenTheme`) when the host gives one. */
  readonly theme: PartialTheme | undefined;
  readonly children?: React.ReactNode;
}

const transparent: React.CSSProperties = { backgroundColor: "transparent" };

/**
 * Gives the control Fluent's design tokens: the app's theme when the host passes one, else Fluent's
 * light theme, so the control also looks right in hosts that do not wrap it in a provider.
 */
export function ControlRoot(props: ControlRootProps): React.ReactElement {
  return (
    <FluentProvider theme={props.theme ?? webLightTheme} style={transparent}>
      {props.children}
    </FluentProvider>
  );
}
