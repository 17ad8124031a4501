/**
 * A reverse proxy in front of the SCM emulator that a test can take down: while down, it cuts
 * every connection (what a client sees when SCM is unreachable). The on/off view of
 * `fault-proxy.ts`, which has the other faults.
 */
import { startFaultProxy } from "./fault-proxy";

export interface SwitchableProxy {
  readonly url: string;
  up: boolean;
  close(): Promise<void>;
}

export async function startSwitchableProxy(target: string): Promise<SwitchableProxy> {
  const proxy = await startFaultProxy(target);
  let up = true;
  return {
    url: proxy.url,
    get up() {
      return up;
    },
    set up(value: boolean) {
      up = value;
      if (value) proxy.heal();
      else proxy.fault({ kind: "down" });
    },
    close: () => proxy.close(),
  };
}
