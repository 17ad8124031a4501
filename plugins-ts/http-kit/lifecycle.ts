/**
 * Starting and stopping a `node:http` server as promises, for the host and the sandbox's emulators.
 * Stopping also closes the connections still open (idle keep-alive ones included), so Ctrl-C and
 * test teardown do not hang on a client's open socket.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Listens and resolves with the base URL, e.g. `http://127.0.0.1:7071` (port 0 picks a free port). */
export function listen(server: Server, port: number, host = "127.0.0.1"): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(error);
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      const address = server.address() as AddressInfo;
      resolve(`http://${host}:${address.port}`);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
    server.closeAllConnections();
  });
}
