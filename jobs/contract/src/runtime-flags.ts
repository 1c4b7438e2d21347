/**
 * Node.js flags the extractor runs with, wherever it runs: the image's ENTRYPOINT (Dockerfile.etl,
 * checked against this list by test/deploy/dockerfiles.test.ts) and the local runtime's child process.
 *
 * Why: the extractor's live heap is small and flat (13–16 MB after each full collection on 5M rows),
 * but V8's defaults let the young generation and the old-generation growth step make the peak RSS
 * swing by 20 % between runs (151 MiB at 1M, 180 MiB at 5M rows). A 4 MB semi-space and 30 % heap
 * growth keep it at ~113 MiB for 1M and 5M alike, with no CPU cost measured (bench/extract,
 * same-minute pairs). Flags set from inside the process (v8.setFlagsFromString) come too late.
 */
export const EXTRACTOR_NODE_FLAGS = ['--enable-source-maps', '--max-semi-space-size=4', '--heap-growing-percent=30'] as const;
