/**
 * A list of equal-height rows that renders only the rows in view once it grows long, with a roving
 * tab stop: Tab enters the list once, arrow keys / Home / End / Page keys move between rows, and
 * Enter or Space activates the focused row's button (a native button, so that comes for free).
 *
 * Written here rather than taken from `@fluentui/react-virtualizer`: that package is not part of
 * the platform's Fluent library, so it would be bundled into every control that used it.
 */
import * as React from "react";
import { makeStyles, mergeClasses } from "@fluentui/react-components";

export interface RowRenderProps {
  /** 0 for the row that holds the list's tab stop, -1 for the others. */
  readonly tabIndex: 0 | -1;
  /** Attach to the row's focusable element so the keyboard can move focus to it. */
  readonly focusRef: (element: HTMLElement | null) => void;
}

export interface VirtualListProps<T> {
  readonly items: readonly T[];
  readonly itemKey: (item: T) => string;
  readonly renderRow: (item: T, index: number, props: RowRenderProps) => React.ReactNode;
  readonly rowHeight: number;
  /** Rows visible at once when the list scrolls. */
  readonly viewportRows: number;
  /** Longer lists than this render only what is in view. */
  readonly virtualizeAbove: number;
  readonly label: string;
  readonly className?: string;
}

/** Rows rendered beyond each edge of the viewport, so fast scrolling shows no gaps. */
const overscan = 4;

const useStyles = makeStyles({
  list: { margin: 0, padding: 0, listStyleType: "none" },
  scroller: { overflowY: "auto", position: "relative" },
  row: { boxSizing: "border-box", overflow: "hidden" },
  positioned: { position: "absolute", left: 0, right: 0 },
});

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}

export function VirtualList<T>(props: VirtualListProps<T>): React.ReactElement {
  const { items, rowHeight, viewportRows } = props;
  const styles = useStyles();
  const virtual = items.length > props.virtualizeAbove;
  const scroller = React.useRef<HTMLDivElement | null>(null);
  const focusTargets = React.useRef(new Map<number, HTMLElement>());
  const [scrollTop, setScrollTop] = React.useState(0);
  const [active, setActive] = React.useState(0);
  const focusPending = React.useRef(false);

  const activeIndex = clamp(active, 0, Math.max(0, items.length - 1));
  const viewportHeight = rowHeight * Math.min(items.length, viewportRows);
  const first = virtual ? clamp(Math.floor(scrollTop / rowHeight) - overscan, 0, items.length) : 0;
  const last = virtual
    ? clamp(Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan, 0, items.length)
    : items.length;

  React.useEffect(() => {
    if (focusPending.current) {
      focusPending.current = false;
      focusTargets.current.get(activeIndex)?.focus();
    }
  });

  const moveTo = (index: number) => {
    const target = clamp(index, 0, items.length - 1);
    const element = scroller.current;
    if (virtual && element) {
      // Bring the row into view first, so it is rendered and can take focus.
      const top = target * rowHeight;
      const nextScrollTop =
        top < scrollTop
          ? top
          : top + rowHeight > scrollTop + viewportHeight
            ? top + rowHeight - viewportHeight
            : scrollTop;
      element.scrollTop = nextScrollTop;
      setScrollTop(nextScrollTop);
    }
    focusPending.current = true;
    setActive(target);
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    const page = Math.max(1, viewportRows - 1);
    const moves: Record<string, number> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      PageDown: activeIndex + page,
      PageUp: activeIndex - page,
      Home: 0,
      End: items.length - 1,
    };
    const target = moves[event.key];
    if (target !== undefined && items.length > 0) {
      event.preventDefault();
      moveTo(target);
    }
  };

  const rows: React.ReactNode[] = [];
  for (let index = first; index < last; index++) {
    const item = items[index];
    if (item === undefined) {
      continue;
    }
    const focusRef = (element: HTMLElement | null) => {
      if (element) {
        focusTargets.current.set(index, element);
      } else {
        focusTargets.current.delete(index);
      }
    };
    rows.push(
      <li
        key={props.itemKey(item)}
        className={mergeClasses(styles.row, virtual && styles.positioned)}
        style={virtual ? { top: index * rowHeight, height: rowHeight } : { height: rowHeight }}
        aria-setsize={items.length}
        aria-posinset={index + 1}
        onFocus={() => {
          setActive(index);
        }}
      >
        {props.renderRow(item, index, { tabIndex: index === activeIndex ? 0 : -1, focusRef })}
      </li>,
    );
  }

  const list = (
    <ul
      className={mergeClasses(styles.list, props.className)}
      aria-label={props.label}
      onKeyDown={onKeyDown}
      style={virtual ? { height: items.length * rowHeight, position: "relative" } : undefined}
    >
      {rows}
    </ul>
  );
  if (!virtual) {
    return list;
  }
  return (
    <div
      ref={scroller}
      className={styles.scroller}
      style={{ height: viewportHeight }}
      onScroll={(event) => {
        setScrollTop(event.currentTarget.scrollTop);
      }}
    >
      {list}
    </div>
  );
}
