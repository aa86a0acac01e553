import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import { FerryError, redact } from "../core/errors.js";
import { assertValidKey, assertValidPrefix } from "./keys.js";
import type { ObjectStore } from "./object-store.js";
import { s3StatusOf, wrapS3Error } from "./s3-errors.js";

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3ObjectStoreOptions {
  readonly bucket: string;
  /** Prepended to every key; a `/` is added when missing (`prod` and `prod/` are the same). */
  readonly prefix?: string;
  readonly region?: string;
  /** An S3-compatible server (MinIO, s3rver); AWS when absent. */
  readonly endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`), which MinIO and s3rver need. */
  readonly forcePathStyle?: boolean;
  /** Static credentials; the SDK's default chain (env, profile, instance role) when absent. */
  readonly credentials?: S3Credentials;
  /** Attempts per request, retries included (SDK standard retry mode). Default 4. */
  readonly maxAttempts?: number;
  /** Keys per ListObjectsV2 page (default and S3's maximum 1000); tests lower it to exercise paging. */
  readonly listPageSize?: number;
}

/**
 * The S3 backend, on @aws-sdk/client-s3. Retries with back-off are the SDK's (standard
 * mode, `maxAttempts`); every SDK error is wrapped into a FerryError where it leaves here.
 */
export class S3ObjectStore implements ObjectStore {
  readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly listPageSize: number;

  constructor(options: S3ObjectStoreOptions) {
    if (options.bucket === "") throw new FerryError("Invalid", "the S3 bucket name is empty");
    this.bucket = options.bucket;
    this.prefix = normalisePrefix(options.prefix ?? "");
    this.listPageSize = options.listPageSize ?? 1000;
    this.client = new S3Client({
      region: options.region ?? "us-east-1",
      maxAttempts: options.maxAttempts ?? 4,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.forcePathStyle === undefined ? {} : { forcePathStyle: options.forcePathStyle }),
      ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
    });
    const endpoint = options.endpoint === undefined ? "" : ` (${redact(options.endpoint)})`;
    this.description = `s3://${this.bucket}/${this.prefix}${endpoint}`;
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const fullKey = this.fullKey(key);
    try {
      // S3 replaces an object atomically: readers see the old or the new body.
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: fullKey,
          Body: data,
          ContentLength: data.byteLength,
        }),
      );
    } catch (err) {
      throw this.wrap(err, "put", key);
    }
  }

  async get(key: string): Promise<Uint8Array> {
    const fullKey = this.fullKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: fullKey }));
      if (out.Body === undefined)
        throw new FerryError("Remote", `S3 get ${key} returned no body`, { data: { key } });
      return await out.Body.transformToByteArray();
    } catch (err) {
      throw this.wrap(err, "get", key);
    }
  }

  async has(key: string): Promise<boolean> {
    const fullKey = this.fullKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: fullKey }));
      return true;
    } catch (err) {
      const wrapped = this.wrap(err, "head", key);
      if (wrapped.code === "NotFound" || s3StatusOf(err) === 404) {
        if (wrapped.data["s3Code"] === "NoSuchBucket") throw wrapped;
        return false;
      }
      throw wrapped;
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertValidPrefix(prefix);
    const pages = paginateListObjectsV2(
      { client: this.client, pageSize: this.listPageSize },
      { Bucket: this.bucket, Prefix: this.prefix + prefix },
    );
    try {
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined) yield object.Key.slice(this.prefix.length);
        }
      }
    } catch (err) {
      throw this.wrap(err, "list", prefix);
    }
  }

  async delete(key: string): Promise<void> {
    const fullKey = this.fullKey(key);
    try {
      // DeleteObject succeeds for an absent key, which is the port's contract.
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: fullKey }));
    } catch (err) {
      throw this.wrap(err, "delete", key);
    }
  }

  /** Closes the SDK's sockets; the store must not be used afterwards. */
  destroy(): void {
    this.client.destroy();
  }

  private fullKey(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }

  private wrap(err: unknown, operation: string, key: string): FerryError {
    return wrapS3Error(err, { operation, key, where: this.description });
  }
}

function normalisePrefix(prefix: string): string {
  if (prefix === "") return "";
  const trimmed = prefix.replace(/^\/+/, "");
  if (trimmed === "") return "";
  const withSlash = trimmed.endsWith("/") ? trimmed : `${trimmed}/`;
  assertValidPrefix(withSlash);
  return withSlash;
}
