/**
 * sha256 of every file under `dir` (recursively), keyed by its `/`-separated path relative to `dir`; empty when
 * `dir` does not exist. Compare two calls to prove a run changed nothing, byte for byte.
 */
export declare function treeHashes(dir: string): Record<string, string>;

/** The error `promise` rejects with, which must carry a string `code` (a UnifiedError); fails otherwise. */
export declare function rejection<E extends Error & { readonly code: string } = Error & { readonly code: string }>(promise: Promise<unknown>): Promise<E>;
