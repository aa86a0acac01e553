/**
 * The controller's HTTP endpoints: `/healthz` (the process is up), `/readyz` (the first
 * poll succeeded; leadership does not matter, so a standby is ready too), `/metrics`
 * (Prometheus text from the controller's own registry) and, when configured, the GitHub push
 * webhook at `/webhook`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface ControllerHttpOptions {
  readonly registry?: Registry;
  readonly ready: () => boolean;
  readonly webhook?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/** The request handler of the controller's endpoints. */
export function controllerHandler(options: ControllerHttpOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/healthz") return reply(res, 200, "ok\n");
    if (path === "/readyz")
      return options.ready() ? reply(res, 200, "ready\n") : reply(res, 503, "not ready\n");
    if (path === "/metrics" && options.registry !== undefined) {
      const body = await options.registry.metrics();
      res.writeHead(200, { "content-type": options.registry.contentType });
      res.end(body);
      return;
    }
    if (path === "/webhook" && options.webhook !== undefined) return options.webhook(req, res);
    reply(res, 404, "not found\n");
  };
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(body);
}

/** Listens on `port` (0: any) on `host`; resolves with the server and the port it got. */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  port: number,
  host = "0.0.0.0",
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    handler(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
