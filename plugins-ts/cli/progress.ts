/**
 * A progress bar for long runs (cli-progress), on the terminal only: when stderr is not a TTY (a
 * pipe, a CI log, a test) nothing is drawn, and only the summary is printed.
 */
import { Presets, SingleBar } from "cli-progress";

export interface ProgressLine {
  /** What the bar is about: `warehouses, pass 1`. */
  readonly label: string;
  readonly done: number;
  readonly total: number;
  readonly failed: number;
}

export interface ProgressReporter {
  update(line: ProgressLine): void;
  stop(): void;
}

const silent: ProgressReporter = { update: () => undefined, stop: () => undefined };

export function progressReporter(stream: NodeJS.WriteStream | undefined): ProgressReporter {
  if (stream?.isTTY !== true) return silent;
  let bar: SingleBar | undefined;
  let label: string | undefined;
  return {
    update(line) {
      if (bar === undefined || label !== line.label) {
        bar?.stop();
        label = line.label;
        bar = new SingleBar(
          {
            stream,
            format: "{label} [{bar}] {value}/{total} rows | {failed} failed | {eta_formatted} left",
            hideCursor: true,
            clearOnComplete: false,
          },
          Presets.shades_classic,
        );
        bar.start(Math.max(line.total, 1), line.done, { label: line.label, failed: line.failed });
        return;
      }
      bar.setTotal(Math.max(line.total, 1));
      bar.update(line.done, { label: line.label, failed: line.failed });
    },
    stop() {
      bar?.stop();
      bar = undefined;
      label = undefined;
    },
  };
}
