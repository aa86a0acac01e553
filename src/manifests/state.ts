import {
  KINDS,
  type DesiredState,
  type Kind,
  type LoadedObject,
  type Manifest,
  type ManifestOf,
} from "./types.js";

/** The identity of an object: kind, namespace (empty when none) and name. */
export function objectKey(kind: Kind, name: string, namespace?: string): string {
  return `${kind}/${namespace ?? ""}/${name}`;
}

/** The key of a manifest, see `objectKey`. */
export function manifestKey(manifest: Manifest): string {
  return objectKey(manifest.kind, manifest.metadata.name, manifest.metadata.namespace);
}

/** Builds the lookups over objects whose identities are unique (duplicates are removed by the loader). */
export function createDesiredState(objects: readonly LoadedObject[]): DesiredState {
  const byKey = new Map<string, LoadedObject>();
  const byKind = new Map<Kind, LoadedObject[]>(KINDS.map((k) => [k, []]));
  for (const object of objects) {
    byKey.set(manifestKey(object.manifest), object);
    byKind.get(object.manifest.kind)?.push(object);
  }
  return {
    objects,
    list<K extends Kind>(kind: K): readonly LoadedObject<ManifestOf<K>>[] {
      return (byKind.get(kind) ?? []) as LoadedObject<ManifestOf<K>>[];
    },
    get<K extends Kind>(kind: K, name: string, namespace?: string): LoadedObject<ManifestOf<K>> | undefined {
      return byKey.get(objectKey(kind, name, namespace)) as LoadedObject<ManifestOf<K>> | undefined;
    },
  };
}
