import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { createApp } from "./app.js";
import type { AppDeps } from "./deps.js";

export interface RunningServer {
  url: string;
  /** Stop accepting, let in-flight requests finish (up to the timeout), then drop what is left. */
  close(timeoutMs: number): Promise<void>;
}

export function startServer(deps: AppDeps): Promise<RunningServer> {
  const app = createApp(deps);
  return new Promise((resolvePromise, reject) => {
    let server: ServerType;
    const onError = (err: Error) => reject(err);
    server = serve({ fetch: app.fetch, port: deps.config.PORT, hostname: deps.config.HOST }, (info: AddressInfo) => {
      server.off("error", onError);
      const host = info.address === "0.0.0.0" || info.address === "::" || info.address === "127.0.0.1" ? "localhost" : info.address;
      resolvePromise({
        url: `http://${host}:${info.port}`,
        close: (timeoutMs) => closeServer(server, timeoutMs),
      });
    });
    server.once("error", onError);
  });
}

function closeServer(server: ServerType, timeoutMs: number): Promise<void> {
  return new Promise((resolvePromise) => {
    const force = setTimeout(() => {
      if ("closeAllConnections" in server) server.closeAllConnections();
    }, timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolvePromise();
    });
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    if ("closeIdleConnections" in server) server.closeIdleConnections();
  });
}
