import type { IncomingMessage, ServerResponse } from "node:http";
import { verify } from "@octokit/webhooks-methods";
import { FerryError, errorMessage } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { silentLogger } from "../../core/logger.js";
import { parsePushEvent } from "./push-event.js";

/** The environment variable holding the webhook secret by default. */
export const WEBHOOK_SECRET_ENV = "FERRY_WEBHOOK_SECRET";

export interface PushWebhookOptions {
  /** The secret configured on the GitHub webhook. */
  readonly secret: string;
  /** Called for a verified push; the controller reconciles at once. Should return quickly. */
  readonly trigger: (ref: string, after: string) => void | Promise<void>;
  /** Only pushes to this branch trigger (e.g. `main`); others, like Ferry's own status pushes, are ignored. */
  readonly branch?: string;
  /** Larger bodies are refused with 413 before they are verified; default 1 MiB (GitHub caps payloads at 25 MB). */
  readonly maxBodyBytes?: number;
  readonly logger?: Logger;
}

/** A webhook response: status and a small JSON body. */
export interface WebhookReply {
  readonly status: number;
  readonly body: { readonly result: string; readonly message?: string };
}

/**
 * A node http handler for GitHub push deliveries, HMAC-verified (`X-Hub-Signature-256`).
 * 401 for a missing or wrong signature, 202 for events Ferry ignores, 200 when it triggered.
 */
export function createPushWebhookHandler(
  options: PushWebhookOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const logger = options.logger ?? silentLogger;
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  return async (req, res) => {
    const reply = await handle(req, options, limit).catch((e: unknown): WebhookReply => {
      logger.error({ component: "webhook", error: errorMessage(e) }, "webhook delivery failed");
      return { status: 500, body: { result: "error" } };
    });
    logger.info(
      {
        component: "webhook",
        delivery: req.headers["x-github-delivery"],
        status: reply.status,
        result: reply.body.result,
      },
      "webhook delivery",
    );
    res.writeHead(reply.status, { "content-type": "application/json" });
    res.end(JSON.stringify(reply.body));
  };
}

async function handle(
  req: IncomingMessage,
  options: PushWebhookOptions,
  limit: number,
): Promise<WebhookReply> {
  if (req.method !== "POST") return { status: 405, body: { result: "method not allowed" } };
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) {
    req.resume();
    return { status: 413, body: { result: "too large" } };
  }
  const body = await readBody(req, limit);
  if (body === undefined) return { status: 413, body: { result: "too large" } };
  const signature = req.headers["x-hub-signature-256"];
  if (typeof signature !== "string" || !(await verifies(options.secret, body, signature))) {
    return { status: 401, body: { result: "bad signature" } };
  }
  const event = req.headers["x-github-event"];
  if (event === "ping") return { status: 200, body: { result: "pong" } };
  if (event !== "push")
    return { status: 202, body: { result: "ignored", message: `event ${String(event)}` } };
  const push = parsePushEvent(body);
  if (push === undefined) return { status: 400, body: { result: "not a push payload" } };
  if (options.branch !== undefined && push.ref !== `refs/heads/${options.branch}`) {
    return { status: 202, body: { result: "ignored", message: `ref ${push.ref}` } };
  }
  if (push.deleted) return { status: 202, body: { result: "ignored", message: "branch deleted" } };
  await options.trigger(push.ref, push.after);
  return { status: 200, body: { result: "triggered" } };
}

/** `verify` throws on a malformed signature; to the sender that is just a wrong one. */
async function verifies(secret: string, body: string, signature: string): Promise<boolean> {
  try {
    return await verify(secret, body, signature);
  } catch {
    return false;
  }
}

/** The body as text, or undefined once it passes `limit` bytes (the rest is drained, not kept). */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks).toString("utf8");
}

/** The webhook secret from the environment; a missing one is a usage error naming the variable. */
export function webhookSecretFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  name: string = WEBHOOK_SECRET_ENV,
): string {
  const secret = env[name];
  if (secret === undefined || secret === "") {
    throw new FerryError("Usage", `the webhook needs a secret: set ${name}`, { data: { env: name } });
  }
  return secret;
}
