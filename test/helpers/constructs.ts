/** Test helpers for constructs. */

/** The message of what `build` throws, or 'no error'. */
export function thrownBy(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}
