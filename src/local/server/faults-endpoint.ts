import type { IncomingMessage, ServerResponse } from "node:http";
import { badRequest, methodNotAllowed } from "../errors.js";
import type { FailureRule, Faults } from "../faults.js";
import { readBody } from "./request-body.js";
import { sendError, sendJson } from "./respond.js";

/** `/_ferry/faults`: GET describes the injected faults, POST sets latency, failures or clears them. */
export async function handleFaults(req: IncomingMessage, res: ServerResponse, faults: Faults): Promise<void> {
  try {
    if (req.method === "POST") {
      const body = JSON.parse((await readBody(req)) || "{}") as {
        latencyMs?: number;
        fail?: FailureRule;
        clear?: boolean;
      };
      if (body.clear === true) faults.clear();
      if (typeof body.latencyMs === "number") faults.setLatency(body.latencyMs);
      if (body.fail !== undefined) faults.failNext(body.fail);
    } else if (req.method !== "GET") throw methodNotAllowed();
    sendJson(res, 200, faults.describe());
  } catch (e) {
    sendError(res, e instanceof SyntaxError ? badRequest(e.message) : e);
  }
}
