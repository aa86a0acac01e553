/** The desired-state model: load a tree, validate it, look objects up. */
export * from "./types.js";
export { loadDesiredState, loadFile, DEFAULT_MAX_FILE_BYTES } from "./load.js";
export { directoryTree } from "./tree-dir.js";
export { gitTree, type GitTreeOptions } from "./tree-git.js";
export { createManifestValidator, SCHEMA_FILES, DEFAULT_SCHEMA_DIR, readSchema } from "./validator.js";
export { checkDesiredState } from "./checks/index.js";
export { createDesiredState, objectKey, manifestKey } from "./state.js";
export { fleetMembers, fleetClaims } from "./fleet.js";
export { matchesSelector } from "./selector.js";
export { formatPath } from "./paths.js";
export { desiredStateRoot, environmentOf, DESIRED_STATE_ROOTS, HOME_OF_KIND } from "./select.js";
export { isDns1123Label, isDns1123Subdomain } from "./formats.js";
export { memoryTree } from "./tree-memory.js";
