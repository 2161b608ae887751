/**
 * cdktf records a full stack trace for every token and every nested block it creates (tens of
 * thousands per stack) and keeps them only to explain a token that fails to resolve; with source
 * maps on (tsx turns them on) each costs a source-map lookup per frame. Rendering the 10x city
 * spent more time there than in cdktf's own synthesis. While `work` runs, traces are not captured
 * and source maps are off; both are restored after, whatever happens.
 */
export function withoutStackTraces<T>(work: () => T): T {
  const capture = Error.captureStackTrace;
  const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ?? false;
  Error.captureStackTrace = () => {};
  process.setSourceMapsEnabled(false);
  try {
    return work();
  } finally {
    Error.captureStackTrace = capture;
    process.setSourceMapsEnabled(sourceMaps);
  }
}
