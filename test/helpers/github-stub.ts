import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One call the stub received; the Authorization header is kept apart so tests can assert on the rest. */
export interface GitHubCall {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: unknown;
  /** Request headers without `authorization`. */
  readonly headers: Record<string, string>;
  readonly authorized: boolean;
  readonly status: number;
}

export interface StubPullRequest {
  number: number;
  html_url: string;
  state: "open" | "closed";
  title: string;
  body: string | null;
  head: { ref: string; label: string };
  base: { ref: string };
  labels: { name: string }[];
  comments: string[];
}

export interface StubCommitStatus {
  readonly sha: string;
  readonly state: string;
  readonly context: string;
  readonly description?: string;
  readonly target_url?: string;
}

/** A loopback server with the few GitHub REST endpoints Ferry uses, recording every call. */
export interface GitHubStub {
  /** Pass as octokit's `baseUrl`. */
  readonly url: string;
  readonly calls: GitHubCall[];
  readonly pulls: StubPullRequest[];
  readonly statuses: StubCommitStatus[];
  /** The next `count` requests answer `status` (to exercise octokit's retry plugin). */
  failNext(status: number, count?: number): void;
  stop(): Promise<void>;
}

/** Starts the stub for `owner/repo`, accepting `token` (as octokit sends it: `token <t>`). */
export async function startGitHubStub(options: { repository: string; token: string }): Promise<GitHubStub> {
  const calls: GitHubCall[] = [];
  const pulls: StubPullRequest[] = [];
  const statuses: StubCommitStatus[] = [];
  const failures: number[] = [];
  const prefix = `/repos/${options.repository}`;
  const owner = options.repository.split("/")[0] ?? "";

  const route = (
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown,
  ): [number, unknown] => {
    const input = (body ?? {}) as Record<string, unknown>;
    if (!path.startsWith(`${prefix}/`)) return [404, { message: "Not Found" }];
    const rest = path.slice(prefix.length);
    let m: RegExpMatchArray | null;
    if (method === "POST" && (m = rest.match(/^\/statuses\/([0-9a-f]{40})$/))) {
      const status = { sha: m[1] ?? "", ...(input as object) } as StubCommitStatus;
      if (!["pending", "success", "failure", "error"].includes(status.state))
        return [422, { message: "Validation Failed" }];
      statuses.push(status);
      return [201, { id: statuses.length, ...status }];
    }
    if (method === "GET" && rest === "/pulls") {
      const state = query["state"] ?? "open";
      const list = pulls.filter(
        (pr) =>
          (state === "all" || pr.state === state) &&
          (query["head"] === undefined || pr.head.label === query["head"]),
      );
      const perPage = Number(query["per_page"] ?? 30);
      const page = Number(query["page"] ?? 1);
      return [200, list.slice((page - 1) * perPage, page * perPage)];
    }
    if (method === "POST" && rest === "/pulls") {
      const head = String(input["head"]);
      if (pulls.some((pr) => pr.state === "open" && pr.head.ref === head)) {
        return [422, { message: `A pull request already exists for ${owner}:${head}.` }];
      }
      const number = pulls.length + 1;
      const pr: StubPullRequest = {
        number,
        html_url: `https://github.test/${options.repository}/pull/${number}`,
        state: "open",
        title: String(input["title"]),
        body: typeof input["body"] === "string" ? input["body"] : null,
        head: { ref: head, label: `${owner}:${head}` },
        base: { ref: String(input["base"]) },
        labels: [],
        comments: [],
      };
      pulls.push(pr);
      return [201, pr];
    }
    if ((m = rest.match(/^\/(pulls|issues)\/(\d+)(\/comments|\/labels)?$/))) {
      const pr = pulls.find((p) => p.number === Number(m?.[2]));
      if (pr === undefined) return [404, { message: "Not Found" }];
      if (method === "PATCH" && m[1] === "pulls" && m[3] === undefined) {
        if (typeof input["title"] === "string") pr.title = input["title"];
        if (typeof input["body"] === "string") pr.body = input["body"];
        if (typeof input["base"] === "string") pr.base = { ref: input["base"] };
        if (input["state"] === "closed" || input["state"] === "open") pr.state = input["state"];
        return [200, pr];
      }
      if (method === "POST" && m[1] === "issues" && m[3] === "/comments") {
        pr.comments.push(String(input["body"]));
        return [201, { id: pr.comments.length, body: input["body"] }];
      }
      if (method === "POST" && m[1] === "issues" && m[3] === "/labels") {
        for (const name of (input["labels"] as string[] | undefined) ?? []) {
          if (!pr.labels.some((l) => l.name === name)) pr.labels.push({ name });
        }
        return [200, pr.labels];
      }
    }
    return [404, { message: "Not Found" }];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const parsed = new URL(req.url ?? "/", "http://localhost");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name !== "authorization" && typeof value === "string") headers[name] = value;
    }
    const authorized = req.headers.authorization === `token ${options.token}`;
    const method = req.method ?? "GET";
    const query = Object.fromEntries(parsed.searchParams.entries());
    const body: unknown = text === "" ? undefined : JSON.parse(text);
    const failure = authorized ? failures.shift() : undefined;
    const [status, payload] = !authorized
      ? [401, { message: "Bad credentials" }]
      : failure !== undefined
        ? [failure, { message: "stub failure" }]
        : route(method, parsed.pathname, query, body);
    calls.push({ method, path: parsed.pathname, query, body, headers, authorized, status });
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(payload));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    pulls,
    statuses,
    failNext: (status, count = 1) => {
      for (let i = 0; i < count; i += 1) failures.push(status);
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
