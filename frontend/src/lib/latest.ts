// The one fetch pattern of the panels: an $effect loads data for its current inputs, and a
// load that an input change has made stale must not overwrite the newer one.

/**
 * Starts load() and passes its value to ok, or its error to fail, unless the returned cancel
 * function has run first (return it from the $effect: it runs when the inputs change).
 */
export function latest<T>(load: () => Promise<T>, ok: (value: T) => void, fail: (err: unknown) => void): () => void {
  let current = true;
  load().then(
    (value) => {
      if (current) ok(value);
    },
    (err: unknown) => {
      if (current) fail(err);
    },
  );
  return () => {
    current = false;
  };
}
