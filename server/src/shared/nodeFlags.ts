/**
 * Node flags for the language server process, given on its command line by whoever starts it (the VS
 * Code client, the tests and benchmarks): V8 sizes the young generation when it creates the heap, so a
 * `v8.setFlagsFromString` in the server itself comes too late (measured: the same collections as with
 * no flag at all).
 *
 * A young generation of 2 MB a semi-space instead of V8's up to 16 MB: much of what a keystroke's
 * analysis allocates is still alive when the young generation fills (the text, the analysis in progress
 * and the previous one), so a collection costs about in proportion to its size. With 16 MB one keystroke
 * in sixteen waited about 5 ms for it, enough to make the p95 latency; with 2 MB one keystroke in two to
 * four waits about 1.3-1.5 ms (bench/RESULTS.md, 2026-11-26). It also keeps a server with many open
 * files from holding a large, half-empty young generation.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/**
 * `--code-cache-dir=<folder>` after the server's path: where dist/server.js keeps its V8 code cache.
 * The VS Code client passes the extension's global storage; without it the server keeps no cache (it
 * never writes into its own install folder, which may be read-only or shared between users).
 */
export const CODE_CACHE_DIR_ARGUMENT = '--code-cache-dir=';
