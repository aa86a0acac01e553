import type { GroupVersionResource, KubeObject, ListOptions, LocalApi, WatchEvent } from "./api.js";
import { storageKey } from "./resources/types.js";
import type { ClusterStore } from "./store/cluster-store.js";
import type { PatchType } from "./store/store-types.js";

/** LocalApi plus the patch verb, for controllers and tests that want it. */
export interface LocalApiWithPatch extends LocalApi {
  /** Patches as PATCH does: `json` (RFC 6902), `merge` (RFC 7386), `strategic`, or `apply` (server-side apply). */
  patch(
    gvr: GroupVersionResource,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    options: { type: PatchType; fieldManager?: string; force?: boolean; subresource?: "status" },
  ): KubeObject;
}

const MANAGER = "ferry-local-controllers";

/**
 * The in-process LocalApi over a cluster's store. Objects are copied in and out, so callers
 * can never change stored objects behind the store's back.
 */
export function createLocalApi(current: ClusterStore | (() => ClusterStore)): LocalApiWithPatch {
  const copy = <T>(o: T): T => structuredClone(o);
  // A getter, so a cluster's api stays valid across restarts (which replace the store).
  const resolve = typeof current === "function" ? current : () => current;
  return {
    get(gvr, namespace, name) {
      const store = resolve();
      const def = store.registry.resolve(gvr);
      const object = store.peek(def, namespace, name);
      return object === undefined ? undefined : copy(store.present(def, object));
    },
    list(gvr, options: ListOptions = {}) {
      const store = resolve();
      const def = store.registry.resolve(gvr);
      return copy(store.list(def, options));
    },
    create(gvr, object) {
      const store = resolve();
      const def = store.registry.resolve(gvr);
      return copy(store.create(def, object.metadata.namespace, copy(object), { fieldManager: MANAGER }));
    },
    update(gvr, object) {
      const store = resolve();
      const def = store.registry.resolve(gvr);
      return copy(
        store.update(def, object.metadata.namespace, object.metadata.name ?? "", copy(object), {
          fieldManager: MANAGER,
        }),
      );
    },
    updateStatus(gvr, object) {
      const store = resolve();
      const def = store.registry.resolve(gvr);
      return copy(
        store.update(def, object.metadata.namespace, object.metadata.name ?? "", copy(object), {
          fieldManager: MANAGER,
          subresource: "status",
        }),
      );
    },
    delete(gvr, namespace, name, options = {}) {
      const store = resolve();
      const def = store.registry.resolve(gvr);
      store.delete(
        def,
        namespace,
        name,
        options.propagationPolicy === undefined ? {} : { propagationPolicy: options.propagationPolicy },
      );
    },
    watch(gvr, handler: (event: WatchEvent) => void) {
      const store = resolve();
      const def = store.registry.resolve(gvr);
      return store.subscribe(storageKey(def.group, def.resource), undefined, (event) => {
        handler({ type: event.type, object: copy(store.present(def, event.object)) });
      });
    },
    patch(gvr, namespace, name, patch, options) {
      const store = resolve();
      const def = store.registry.resolve(gvr);
      const { object } = store.patch(def, namespace, name, options.type, copy(patch), {
        fieldManager: options.fieldManager ?? MANAGER,
        ...(options.force === undefined ? {} : { force: options.force }),
        ...(options.subresource === undefined ? {} : { subresource: options.subresource }),
      });
      return copy(object);
    },
  };
}
