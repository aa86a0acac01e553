import { randomUUID } from "node:crypto";
import type { Clock } from "../core/clock.js";
import { FerryError, isFerryError } from "../core/errors.js";
import { isSealed, open, seal, type RepositoryKey } from "./crypto.js";
import type { ObjectStore } from "./object-store.js";

/** The repository's `config.json`: never encrypted, since it says whether the rest is. */
export interface RepositoryConfig {
  readonly format: typeof CONFIG_FORMAT;
  readonly version: number;
  /** A random id, so two repositories are never mistaken for each other. */
  readonly id: string;
  readonly createdAt: string;
  readonly encryption: RepositoryEncryption | null;
}

export interface RepositoryEncryption {
  readonly algorithm: "AES-256-GCM";
  readonly kdf: "HKDF-SHA256";
  /** A known text sealed with the key (base64): opening it tells a wrong key from corruption. */
  readonly keyCheck: string;
}

export const CONFIG_KEY = "config.json";
const CONFIG_FORMAT = "ferry.dev/repository";
/** The layout version this code writes and reads. */
export const REPOSITORY_VERSION = 1;
const KEY_CHECK_TEXT = "ferry repository key check";

/**
 * Creates `config.json` in an empty repository. Fails with Conflict when the repository
 * already has one (open it instead).
 */
export async function initRepositoryConfig(
  store: ObjectStore,
  options: { readonly key: RepositoryKey | undefined; readonly clock: Clock },
): Promise<RepositoryConfig> {
  if (await store.has(CONFIG_KEY)) {
    throw new FerryError("Conflict", `${store.description} is already a Ferry repository`);
  }
  const config: RepositoryConfig = {
    format: CONFIG_FORMAT,
    version: REPOSITORY_VERSION,
    id: randomUUID(),
    createdAt: options.clock.now().toISOString(),
    encryption:
      options.key === undefined
        ? null
        : {
            algorithm: "AES-256-GCM",
            kdf: "HKDF-SHA256",
            keyCheck: Buffer.from(seal(options.key, Buffer.from(KEY_CHECK_TEXT))).toString("base64"),
          },
  };
  await store.put(CONFIG_KEY, Buffer.from(`${JSON.stringify(config, null, 2)}\n`));
  return config;
}

/**
 * Reads and validates `config.json` and checks `key` against it: a missing key for an
 * encrypted repository, a key for an unencrypted one and a wrong key are Invalid errors
 * that say which. NotFound when the store holds no repository.
 */
export async function readRepositoryConfig(
  store: ObjectStore,
  options: { readonly key: RepositoryKey | undefined },
): Promise<RepositoryConfig> {
  let raw: Uint8Array;
  try {
    raw = await store.get(CONFIG_KEY);
  } catch (err) {
    if (isFerryError(err, "NotFound")) {
      throw new FerryError(
        "NotFound",
        `${store.description} is not a Ferry repository (it has no ${CONFIG_KEY})`,
        {
          cause: err,
        },
      );
    }
    throw err;
  }
  const config = parseConfig(raw, store.description);
  if (config.version > REPOSITORY_VERSION) {
    throw new FerryError(
      "Invalid",
      `${store.description} has layout version ${config.version}; this Ferry reads up to ${REPOSITORY_VERSION} (upgrade Ferry)`,
      { data: { version: config.version } },
    );
  }
  checkKey(config, options.key, store.description);
  return config;
}

function checkKey(config: RepositoryConfig, key: RepositoryKey | undefined, where: string): void {
  if (config.encryption === null) {
    if (key !== undefined) {
      throw new FerryError(
        "Invalid",
        `${where} is not encrypted, but an encryption key is configured for it`,
      );
    }
    return;
  }
  if (key === undefined) {
    throw new FerryError(
      "Invalid",
      `${where} is encrypted: configure its key (spec.encryption.keyEnv of the ReplicationRepository)`,
    );
  }
  const check = Buffer.from(config.encryption.keyCheck, "base64");
  let text: string;
  try {
    text = isSealed(check) ? Buffer.from(open(key, check)).toString("utf8") : "";
  } catch {
    text = "";
  }
  if (text !== KEY_CHECK_TEXT) {
    throw new FerryError("Invalid", `the encryption key does not match ${where} (wrong key)`);
  }
}

function parseConfig(raw: Uint8Array, where: string): RepositoryConfig {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw).toString("utf8"));
  } catch (cause) {
    throw new FerryError("Integrity", `${where}/${CONFIG_KEY} is not valid JSON`, { cause });
  }
  const bad = (field: string): FerryError =>
    new FerryError("Integrity", `${where}/${CONFIG_KEY}: field ${field} is missing or invalid`, {
      data: { field },
    });
  if (typeof value !== "object" || value === null) throw bad("(root)");
  const v = value as Record<string, unknown>;
  if (v["format"] !== CONFIG_FORMAT) throw bad("format");
  if (typeof v["version"] !== "number" || !Number.isInteger(v["version"]) || v["version"] < 1)
    throw bad("version");
  if (typeof v["id"] !== "string" || v["id"] === "") throw bad("id");
  if (typeof v["createdAt"] !== "string" || Number.isNaN(Date.parse(v["createdAt"]))) throw bad("createdAt");
  const encryption = v["encryption"];
  if (encryption !== null) {
    if (typeof encryption !== "object" || encryption === undefined) throw bad("encryption");
    const e = encryption as Record<string, unknown>;
    if (e["algorithm"] !== "AES-256-GCM") throw bad("encryption.algorithm");
    if (e["kdf"] !== "HKDF-SHA256") throw bad("encryption.kdf");
    if (typeof e["keyCheck"] !== "string") throw bad("encryption.keyCheck");
  }
  return value as RepositoryConfig;
}
