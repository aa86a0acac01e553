/**
 * The desired-state model: the eight kinds of `ferry.dev/v1alpha1`, where each object came
 * from, the problems found while loading and checking them, and the loader's port and API.
 *
 * The JSON Schemas in `schemas/` are the source of truth; these types mirror them and a unit
 * test (`test/unit/manifests/schema-types.test.ts`) keeps the two in agreement. Field names
 * follow DESIGN.md and the vendor seeds (Stork, Kurator, KubeSlice, Diamanti).
 */

export const API_VERSION = "ferry.dev/v1alpha1";
export type ApiVersion = typeof API_VERSION;

export const KINDS = [
  "Cluster",
  "Fleet",
  "ReplicationRepository",
  "SchedulePolicy",
  "Migration",
  "MigrationSchedule",
  "VolumeGroup",
  "VolumeReplication",
] as const;
export type Kind = (typeof KINDS)[number];

/** Kinds whose objects carry `metadata.namespace` (required for volume kinds, optional for migrations). */
export const NAMESPACED_KINDS: ReadonlySet<Kind> = new Set<Kind>([
  "Migration",
  "MigrationSchedule",
  "VolumeGroup",
  "VolumeReplication",
]);

export interface ObjectMeta {
  /** A DNS-1123 subdomain: lowercase letters, digits, `-` and `.`, at most 253 characters. */
  readonly name: string;
  /** A DNS-1123 label. Required on VolumeGroup and VolumeReplication (the PVCs' namespace). */
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

interface ManifestBase<K extends Kind> {
  readonly apiVersion: ApiVersion;
  readonly kind: K;
  readonly metadata: ObjectMeta;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values?: readonly string[];
}

/** A Kubernetes label selector. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** A reference to a cluster by `Cluster.metadata.name`. */
export interface ClusterRef {
  readonly cluster: string;
}

// ---------------------------------------------------------------------------------------------
// Cluster

/** How Ferry reaches a cluster. Exactly one of the four; never a secret in Git. */
export type ClusterConnection =
  | { readonly kubeconfig: { readonly path: string; readonly context?: string } }
  | { readonly inCluster: true }
  /** The name of an environment variable holding a kubeconfig (YAML) or a path to one. */
  | { readonly kubeconfigEnv: string }
  /** A local cluster started by `ferry local up`. */
  | { readonly local: { readonly name: string } };

export interface ClusterSpec {
  /** `Fleet.metadata.name` this cluster belongs to. */
  readonly fleet: string;
  readonly connection: ClusterConnection;
}

export interface Cluster extends ManifestBase<"Cluster"> {
  readonly spec: ClusterSpec;
}

// ---------------------------------------------------------------------------------------------
// Fleet

/** Exactly one of `clusters` (names) or `selector` (over `Cluster.metadata.labels`). */
export interface FleetSpec {
  readonly clusters?: readonly string[];
  readonly selector?: LabelSelector;
}

export interface Fleet extends ManifestBase<"Fleet"> {
  readonly spec: FleetSpec;
}

// ---------------------------------------------------------------------------------------------
// ReplicationRepository

export interface S3RepositorySpec {
  readonly bucket: string;
  readonly prefix?: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  /** Names of environment variables holding the credentials, never the credentials. */
  readonly credentialsEnv?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
}

export interface FilesystemRepositorySpec {
  /** Relative paths are resolved against the controller's working directory. */
  readonly path: string;
}

/** Exactly one of `s3` or `filesystem`. */
export interface ReplicationRepositorySpec {
  readonly s3?: S3RepositorySpec;
  readonly filesystem?: FilesystemRepositorySpec;
  /** Name of the environment variable holding the repository key (AES-256-GCM). */
  readonly encryption?: { readonly keyEnv: string };
  /** A scheduled prune of the mover's data (docs/volumes.md, "Scheduled prune"). */
  readonly maintenance?: RepositoryMaintenance;
}

/** When and where the controller runs `ferry mover prune` on a repository. */
export interface RepositoryMaintenance {
  /** A five-field cron expression. */
  readonly pruneSchedule: string;
  /** IANA time zone for `pruneSchedule`; default `UTC`. */
  readonly timezone?: string;
  /** `10%` or `unlimited`; default `5%` (the mover's). */
  readonly maxUnused?: string;
  /** The cluster (`Cluster.metadata.name`) whose Job runs the prune. */
  readonly cluster: string;
  /** The Job's namespace on that cluster; default `default`. */
  readonly namespace?: string;
}

export interface ReplicationRepository extends ManifestBase<"ReplicationRepository"> {
  readonly spec: ReplicationRepositorySpec;
}

// ---------------------------------------------------------------------------------------------
// SchedulePolicy (Stork): `policy`, not `spec`, as in the seed

/** A `time.Kitchen` time: `1:02PM` or `1:02pm`. */
export type KitchenTime = string;

export interface IntervalPolicy {
  readonly intervalMinutes: number;
}
export interface DailyPolicy {
  readonly time: KitchenTime;
}
export interface WeeklyPolicy {
  /** Long or short weekday, `Sunday` or `Sun` (case-insensitive). */
  readonly day: string;
  readonly time: KitchenTime;
}
export interface MonthlyPolicy {
  /** 1–31; a date a month lacks rolls over into the next month (Feb 31 → Mar 2 or 3). */
  readonly date: number;
  readonly time: KitchenTime;
}

/** At least one section. */
export interface SchedulePolicySections {
  readonly interval?: IntervalPolicy;
  readonly daily?: DailyPolicy;
  readonly weekly?: WeeklyPolicy;
  readonly monthly?: MonthlyPolicy;
  /** Extension: a five-field cron expression (the Diamanti-style RPO schedule). */
  readonly cron?: string;
  /** IANA time zone the times and cron are read in; default `UTC`. */
  readonly timezone?: string;
}

/** The policy types a schedule's history is kept per (Stork keeps one status list per type). */
export type PolicyType = "interval" | "daily" | "weekly" | "monthly" | "cron";
export const POLICY_TYPES: readonly PolicyType[] = ["interval", "daily", "weekly", "monthly", "cron"];

export interface SchedulePolicy extends ManifestBase<"SchedulePolicy"> {
  readonly policy: SchedulePolicySections;
}

// ---------------------------------------------------------------------------------------------
// Migration (Kurator Migrate, KubeSlice replication job, Stork Migration)

export type RemediationMode = "auto" | "pull-request" | "manual" | "ignore";
export const REMEDIATION_MODES: readonly RemediationMode[] = ["auto", "pull-request", "manual", "ignore"];

export interface ResourceFilter {
  readonly labelSelector?: LabelSelector;
  /** Kinds (`Deployment`, `persistentvolumeclaims`, …) to include; empty means all. */
  readonly includeKinds?: readonly string[];
  readonly excludeKinds?: readonly string[];
}

/** One RFC 6902 operation, as fast-json-patch applies it. */
export type JsonPatchOperation =
  | { readonly op: "add" | "replace" | "test"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string }
  | { readonly op: "move" | "copy"; readonly from: string; readonly path: string };

/** Patches applied to matching objects on the targets before they are applied. */
export interface ResourceModifier {
  readonly match: { readonly kind?: string; readonly name?: string; readonly namespace?: string };
  readonly patch: readonly JsonPatchOperation[];
}

export interface MigrationSpec {
  readonly fleet: string;
  readonly source: ClusterRef;
  readonly targets: readonly ClusterRef[];
  /** Allows a target equal to the source (KubeSlice's backup to self). Default false. */
  readonly backupToSelf?: boolean;
  readonly namespaces: readonly string[];
  readonly resourceFilter?: ResourceFilter;
  /** Default true. */
  readonly includeResources?: boolean;
  /** Default true. */
  readonly includeVolumes?: boolean;
  /** Default false: replicas → 0 on targets, the original kept in annotation `ferry.dev/replicas`. */
  readonly startApplications?: boolean;
  readonly namespaceMapping?: Readonly<Record<string, string>>;
  readonly storageClassMapping?: Readonly<Record<string, string>>;
  /** `ReplicationRepository.metadata.name`. */
  readonly repository: string;
  readonly prechecks?: { readonly remediation?: RemediationMode };
  readonly resourceModifiers?: readonly ResourceModifier[];
  /** Allow overwriting objects on a target that Ferry did not create. Default false. */
  readonly overwrite?: boolean;
}

export interface Migration extends ManifestBase<"Migration"> {
  readonly spec: MigrationSpec;
}

// ---------------------------------------------------------------------------------------------
// MigrationSchedule (Stork)

export interface MigrationScheduleSpec {
  readonly schedulePolicyName: string;
  /** Default false. */
  readonly suspend?: boolean;
  readonly template: { readonly spec: MigrationSpec };
}

export interface MigrationSchedule extends ManifestBase<"MigrationSchedule"> {
  readonly spec: MigrationScheduleSpec;
}

// ---------------------------------------------------------------------------------------------
// VolumeGroup (Diamanti PVCGroup: a consistency group)

export const MAX_PVCS_PER_GROUP = 16;

export interface VolumeGroupSpec {
  /** PVC names in `metadata.namespace`, at most 16, unique. */
  readonly pvcs: readonly string[];
  /**
   * Desired minimum size per PVC of `pvcs` (Kubernetes quantities). A replication whose source
   * group asks for more than a live claim has resizes both sides; a claim is never shrunk.
   */
  readonly capacity?: Readonly<Record<string, string>>;
}

export interface VolumeGroup extends ManifestBase<"VolumeGroup"> {
  readonly metadata: ObjectMeta & { readonly namespace: string };
  readonly spec: VolumeGroupSpec;
}

// ---------------------------------------------------------------------------------------------
// VolumeReplication (Diamanti async replication: one manifest describes the pair)

export interface VolumeEndpoint {
  readonly cluster: string;
  /** `VolumeGroup.metadata.name` in this object's namespace. */
  readonly volumeGroup: string;
}

/** Exactly one of `schedule` (cron, the RPO) or `schedulePolicyName`. */
export interface VolumeReplicationSpec {
  readonly source: VolumeEndpoint;
  readonly target: VolumeEndpoint;
  /** Source PVC name → target PVC name; covers both groups exactly. */
  readonly pvcMap: Readonly<Record<string, string>>;
  readonly schedule?: string;
  readonly schedulePolicyName?: string;
  /** IANA time zone for `schedule`; default `UTC`. */
  readonly timezone?: string;
  /** Optional `ReplicationRepository.metadata.name` to stage transfers through. */
  readonly repository?: string;
  /** Default false. */
  readonly suspend?: boolean;
  /** Default true. */
  readonly retainSnapshotsOnDeletion?: boolean;
  /** Mover snapshots kept per PVC after each successful cycle; default `{keepLast: 7}`. */
  readonly retention?: VolumeReplicationRetention;
}

/**
 * Which of a replication's mover snapshots the repository keeps per PVC (`ferry mover forget`'s
 * rules, at least one given): a snapshot is kept when either rule keeps it.
 */
export interface VolumeReplicationRetention {
  /** The newest N snapshots of each PVC (≥ 1). */
  readonly keepLast?: number;
  /** Snapshots at most this long before each PVC's newest: `72h`, `7d`, `2w`, `1y` (units y, w, d, h). */
  readonly keepWithin?: string;
}

export interface VolumeReplication extends ManifestBase<"VolumeReplication"> {
  readonly metadata: ObjectMeta & { readonly namespace: string };
  readonly spec: VolumeReplicationSpec;
}

// ---------------------------------------------------------------------------------------------
// Unions

export type Manifest =
  | Cluster
  | Fleet
  | ReplicationRepository
  | SchedulePolicy
  | Migration
  | MigrationSchedule
  | VolumeGroup
  | VolumeReplication;

/** The manifest type of a kind: `ManifestOf<"Fleet">` is `Fleet`. */
export type ManifestOf<K extends Kind> = Extract<Manifest, { kind: K }>;

// ---------------------------------------------------------------------------------------------
// Where things are, and what is wrong with them

/** 1-based line and column in a file of the desired-state tree (path relative to its root, `/`-separated). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A field path inside an object: `["spec", "targets", 1, "cluster"]`. */
export type FieldPath = readonly (string | number)[];

export type ProblemCode =
  // reading files
  | "file-too-large"
  | "not-utf8"
  | "read-failed"
  | "too-many-problems"
  // YAML
  | "yaml-syntax"
  | "duplicate-key"
  | "alias-limit"
  | "not-an-object"
  // schema
  | "unknown-api-version"
  | "unknown-kind"
  | "unknown-field"
  | "missing-field"
  | "invalid-type"
  | "invalid-value"
  | "invalid-name"
  | "misplaced-kind"
  // semantics
  | "duplicate-name"
  | "unresolved-reference"
  | "not-in-fleet"
  | "target-is-source"
  | "too-many-pvcs"
  | "pvc-map"
  | "capacity"
  | "invalid-quantity"
  | "one-of"
  | "invalid-cron"
  | "invalid-timezone"
  | "invalid-time"
  | "invalid-weekday"
  | "invalid-date";

export type Severity = "error" | "warning";

/** One thing wrong with the desired state, with where it is. `path` is dotted (`spec.targets[1].cluster`), `""` for a whole file or document. */
export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
  readonly code: ProblemCode;
  readonly severity: Severity;
}

/** An object as loaded: the plain manifest plus where it came from. */
export interface LoadedObject<M extends Manifest = Manifest> {
  readonly manifest: M;
  /** The start of the object's YAML document (computed on first access for fast-path files). */
  readonly location: SourceLocation;
  /** 0-based index of the document within its file. */
  readonly documentIndex: number;
  /**
   * The location of a field inside this object, for problems raised by later checks. Points at
   * a scalar's value, or at the key of a collection; falls back to the nearest ancestor that exists.
   */
  readonly locate: (path: FieldPath) => SourceLocation;
}

/** Every valid object of a desired-state tree, with lookups. Objects failing the schema are left out. */
export interface DesiredState {
  readonly objects: readonly LoadedObject[];
  /** Objects of a kind, in file then document order. */
  list<K extends Kind>(kind: K): readonly LoadedObject<ManifestOf<K>>[];
  /** The object of a kind by name (and namespace for namespaced kinds; `undefined` = none given). */
  get<K extends Kind>(kind: K, name: string, namespace?: string): LoadedObject<ManifestOf<K>> | undefined;
}

// ---------------------------------------------------------------------------------------------
// The loader's port and API. Import from `src/manifests/index.ts`:
//   loadDesiredState(source, options?)    load.ts      parse + schema + semantic checks
//   directoryTree(dir)                    tree-dir.ts  TreeSource over the file system
//   gitTree({ fs, dir, ref })             tree-git.ts  TreeSource over a commit (no checkout)
//   memoryTree(files)                     tree-memory.ts  TreeSource over path → text (tests)
//   createManifestValidator()             validator.ts compiles the schemas once; pass it in options
//   checkDesiredState(state)              checks/      the cross-object checks alone
//   fleetMembers(state, fleet)            fleet.ts     clusters of a fleet

export interface TreeEntry {
  /** Relative to the tree's root, `/`-separated, no leading `./`. */
  readonly path: string;
  /** Size in bytes when known before reading (lets the loader skip huge files unread). */
  readonly size?: number;
}

/** A read-only file tree: a directory, or a Git commit's tree. */
export interface TreeSource {
  /** For messages: the directory, or `<dir>@<ref>`. */
  readonly description: string;
  /**
   * Every file under the tree's root (the loader picks the desired-state paths). `under` names
   * the top-level folders the loader wants; a source may use it to skip the rest, or ignore it.
   */
  list(under?: readonly string[]): Promise<readonly TreeEntry[]>;
  read(path: string): Promise<Uint8Array>;
}

/** One schema violation of one document, before it is placed in a file. */
export interface SchemaIssue {
  readonly path: FieldPath;
  readonly message: string;
  readonly code: ProblemCode;
}

/** Checks one parsed document against the kind's JSON Schema (`createManifestValidator` in `validator.ts`). */
export interface ManifestValidator {
  validate(document: unknown): readonly SchemaIssue[];
}

export interface LoadOptions {
  /** Reuse a validator (its schemas are compiled once); a new one is created otherwise. */
  readonly validator?: ManifestValidator;
  /** Run the checks across objects (references, fleets, PVC maps, schedules). Default true. */
  readonly semanticChecks?: boolean;
  /** Files larger than this are refused; default 1 MiB. */
  readonly maxFileBytes?: number;
}

export interface LoadResult {
  readonly state: DesiredState;
  /** Every problem, sorted by file, line, column. */
  readonly problems: readonly Problem[];
  /** True when no problem has severity `error`. */
  readonly valid: boolean;
  /** The desired-state files that were read (relative paths). */
  readonly files: readonly string[];
}

/** Signature of `loadDesiredState` in `load.ts`. */
export type LoadDesiredState = (source: TreeSource, options?: LoadOptions) => Promise<LoadResult>;
