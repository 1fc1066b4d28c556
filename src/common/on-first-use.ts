/**
 * A library loaded on its first use rather than at start: image, PDF and zip libraries cost
 * each app process tens of megabytes of memory, and most processes serve no upload, invoice
 * PDF or export for hours. Concurrent first uses share one load; a failed load is retried.
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = null;
      throw err;
    }));
}
