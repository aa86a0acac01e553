import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, cpSync } from "node:fs";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** One request the test Git server answered. */
export interface GitRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
  /** The Authorization header as received; tests assert credentials never leak elsewhere. */
  readonly authorization: string | undefined;
}

export interface GitHttpServerOptions {
  /** Accepts `Authorization: Basic base64(user:token)` (any user) or `Bearer token`. */
  readonly token?: string;
}

/** A loopback Git server running the real `git http-backend` as CGI. */
export interface GitHttpServer {
  /** Base URL, e.g. `http://127.0.0.1:PORT`; repos are at `${url}/<name>.git`. */
  readonly url: string;
  /** Folder holding the bare repos (GIT_PROJECT_ROOT). */
  readonly root: string;
  readonly requests: GitRequest[];
  /** Creates `<name>.git` from a map of files (or a directory), committed on `branch`. */
  createRepo(name: string, files: Record<string, string> | string, branch?: string): string;
  /** Commits files onto `branch` of `<name>.git` with the real git CLI (another writer). */
  commitFiles(
    name: string,
    files: Record<string, string | null>,
    options?: { branch?: string; message?: string },
  ): string;
  /** The sha of `branch` in `<name>.git`, or undefined. */
  head(name: string, branch: string): string | undefined;
  /** Runs the real git in the bare repo `<name>.git`. */
  git(name: string, args: readonly string[]): string;
  stop(): Promise<void>;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Test Author",
  GIT_AUTHOR_EMAIL: "author@example.test",
  GIT_COMMITTER_NAME: "Test Author",
  GIT_COMMITTER_EMAIL: "author@example.test",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

/** Runs the real git CLI with a fixed identity and no user/system configuration. */
export function runGit(cwd: string, args: readonly string[]): string {
  return execFileSync("git", [...args], {
    cwd,
    env: { ...process.env, ...GIT_ENV },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** Writes files (null deletes) into a work tree, creating folders. */
function writeFiles(dir: string, files: Record<string, string | null>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    if (content === null) {
      rmSync(full, { force: true });
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

/** Starts the server on 127.0.0.1 with a fresh project root. */
export async function startGitHttpServer(options: GitHttpServerOptions = {}): Promise<GitHttpServer> {
  const root = mkdtempSync(join(tmpdir(), "ferry-git-http-"));
  const requests: GitRequest[] = [];
  const server = createServer((req, res) => {
    handle(req, res, root, options, requests);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const bare = (name: string): string => join(root, `${name}.git`);

  const withWorkTree = <T>(name: string, branch: string, fn: (work: string) => T): T => {
    const work = mkdtempSync(join(tmpdir(), "ferry-git-work-"));
    try {
      runGit(work, ["init", "-q", "-b", branch]);
      runGit(work, ["remote", "add", "origin", bare(name)]);
      if (head(name, branch) !== undefined) {
        runGit(work, ["fetch", "-q", "origin", branch]);
        runGit(work, ["reset", "-q", "--hard", `origin/${branch}`]);
      }
      return fn(work);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  };

  const head = (name: string, branch: string): string | undefined => {
    try {
      return runGit(bare(name), ["rev-parse", "--verify", "-q", `refs/heads/${branch}`]);
    } catch {
      return undefined;
    }
  };

  const commitFiles: GitHttpServer["commitFiles"] = (name, files, opts = {}) => {
    const branch = opts.branch ?? "main";
    return withWorkTree(name, branch, (work) => {
      writeFiles(work, files);
      runGit(work, ["add", "-A"]);
      runGit(work, ["commit", "-q", "--allow-empty", "-m", opts.message ?? "test commit"]);
      runGit(work, ["push", "-q", "origin", `HEAD:refs/heads/${branch}`]);
      return runGit(work, ["rev-parse", "HEAD"]);
    });
  };

  return {
    url,
    root,
    requests,
    createRepo(name, files, branch = "main") {
      runGit(root, ["init", "-q", "--bare", "-b", branch, bare(name)]);
      runGit(bare(name), ["config", "http.receivepack", "true"]);
      withWorkTree(name, branch, (work) => {
        if (typeof files === "string") cpSync(files, work, { recursive: true });
        else writeFiles(work, files);
        runGit(work, ["add", "-A"]);
        runGit(work, ["commit", "-q", "-m", "initial desired state"]);
        runGit(work, ["push", "-q", "origin", `HEAD:refs/heads/${branch}`]);
      });
      return `${url}/${name}.git`;
    },
    commitFiles,
    head,
    git: (name, args) => runGit(bare(name), args),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function authorised(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  if (header === undefined) return false;
  if (header === `Bearer ${token}`) return true;
  if (!header.startsWith("Basic ")) return false;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  return decoded.slice(decoded.indexOf(":") + 1) === token;
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  options: GitHttpServerOptions,
  requests: GitRequest[],
): void {
  const parsed = new URL(req.url ?? "/", "http://localhost");
  const log = (status: number): void => {
    requests.push({
      method: req.method ?? "GET",
      path: parsed.pathname,
      query: parsed.search.replace(/^\?/, ""),
      status,
      authorization: req.headers.authorization,
    });
  };
  if (!authorised(req.headers.authorization, options.token)) {
    log(401);
    res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' }).end();
    return;
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    REMOTE_USER: "ferry-test",
    REMOTE_ADDR: "127.0.0.1",
    PATH_INFO: decodeURIComponent(parsed.pathname),
    QUERY_STRING: parsed.search.replace(/^\?/, ""),
    REQUEST_METHOD: req.method ?? "GET",
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    GATEWAY_INTERFACE: "CGI/1.1",
  };
  if (req.headers["content-length"] !== undefined) env["CONTENT_LENGTH"] = req.headers["content-length"];
  if (req.headers["content-encoding"] !== undefined)
    env["HTTP_CONTENT_ENCODING"] = req.headers["content-encoding"];
  const protocol = req.headers["git-protocol"];
  if (typeof protocol === "string") env["GIT_PROTOCOL"] = protocol;

  const cgi = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
  req.pipe(cgi.stdin);
  cgi.stderr.resume();
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on("data", (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    log(status);
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  cgi.on("close", () => {
    if (!headersDone) {
      log(500);
      res.writeHead(500).end();
      return;
    }
    res.end();
  });
}
