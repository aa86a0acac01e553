import type { ServerResponse } from "node:http";
import { ApiError, type StatusBody } from "../errors.js";

/** Sends a JSON body with the headers the real server sends. */
export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  warnings: readonly string[] = [],
): void {
  sendText(res, code, JSON.stringify(body), warnings);
}

/** Sends JSON that is already serialised. */
export function sendText(
  res: ServerResponse,
  code: number,
  text: string,
  warnings: readonly string[] = [],
): void {
  const headers: Record<string, string | string[]> = {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(text)),
    "Cache-Control": "no-cache, private",
  };
  if (warnings.length > 0) headers["Warning"] = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(text);
}

/** Sends an error as a Status body; anything but an ApiError is a 500 InternalError. */
export function sendError(res: ServerResponse, err: unknown): void {
  const status: StatusBody =
    err instanceof ApiError
      ? err.status
      : {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
          reason: "InternalError",
          code: 500,
        };
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status.code, status);
}
