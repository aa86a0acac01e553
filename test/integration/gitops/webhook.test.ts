import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sign } from "@octokit/webhooks-methods";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPushWebhookHandler, webhookSecretFromEnv } from "../../../src/gitops/webhook/handler.js";

const SECRET = "webhook-secret-for-tests";
const AFTER = "a".repeat(40);
const push = (ref: string, after = AFTER): string =>
  JSON.stringify({ ref, after, before: "b".repeat(40), deleted: false });

describe("GitHub push webhook", () => {
  let server: Server;
  let url: string;
  let triggered: [string, string][];
  beforeEach(async () => {
    triggered = [];
    const handler = createPushWebhookHandler({
      secret: SECRET,
      branch: "main",
      maxBodyBytes: 4096,
      trigger: (ref, after) => {
        triggered.push([ref, after]);
      },
    });
    server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const deliver = async (body: string, headers: Record<string, string>) => {
    const response = await fetch(url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...headers },
    });
    return { status: response.status, body: (await response.json()) as { result: string } };
  };

  it.each([
    {
      name: "a signed push to main triggers",
      event: "push",
      body: push("refs/heads/main"),
      sign: SECRET,
      status: 200,
      result: "triggered",
      fires: true,
    },
    {
      name: "a push signed with another secret is refused",
      event: "push",
      body: push("refs/heads/main"),
      sign: "other",
      status: 401,
      result: "bad signature",
      fires: false,
    },
    {
      name: "an unsigned push is refused",
      event: "push",
      body: push("refs/heads/main"),
      sign: undefined,
      status: 401,
      result: "bad signature",
      fires: false,
    },
    {
      name: "a push to another branch is ignored",
      event: "push",
      body: push("refs/heads/ferry/status"),
      sign: SECRET,
      status: 202,
      result: "ignored",
      fires: false,
    },
    {
      name: "a branch deletion is ignored",
      event: "push",
      body: push("refs/heads/main", "0".repeat(40)),
      sign: SECRET,
      status: 202,
      result: "ignored",
      fires: false,
    },
    {
      name: "other events are ignored",
      event: "issues",
      body: "{}",
      sign: SECRET,
      status: 202,
      result: "ignored",
      fires: false,
    },
    {
      name: "ping answers pong",
      event: "ping",
      body: "{}",
      sign: SECRET,
      status: 200,
      result: "pong",
      fires: false,
    },
  ])("$name", async ({ event, body, sign: secret, status, result, fires }) => {
    const headers: Record<string, string> = { "x-github-event": event, "x-github-delivery": "d-1" };
    if (secret !== undefined) headers["x-hub-signature-256"] = await sign(secret, body);
    expect(await deliver(body, headers)).toEqual({
      status,
      body: expect.objectContaining({ result }) as unknown,
    });
    expect(triggered).toEqual(fires ? [["refs/heads/main", AFTER]] : []);
  });

  it("refuses a tampered body and a body over the limit", async () => {
    const body = push("refs/heads/main");
    const signature = await sign(SECRET, body);
    const tampered = body.replace("main", "evil");
    expect(
      (await deliver(tampered, { "x-github-event": "push", "x-hub-signature-256": signature })).status,
    ).toBe(401);
    const big = JSON.stringify({ ref: "refs/heads/main", after: AFTER, padding: "x".repeat(5000) });
    expect(
      (await deliver(big, { "x-github-event": "push", "x-hub-signature-256": await sign(SECRET, big) }))
        .status,
    ).toBe(413);
    expect(triggered).toEqual([]);
  });

  it("reads the secret from the environment", () => {
    expect(webhookSecretFromEnv({ FERRY_WEBHOOK_SECRET: "s" })).toBe("s");
    expect(() => webhookSecretFromEnv({})).toThrow(/FERRY_WEBHOOK_SECRET/);
  });
});
