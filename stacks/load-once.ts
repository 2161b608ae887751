/**
 * A module loaded on first use and then kept: `import()` of a loaded module still goes through the
 * loader's hooks (tsx's, on their own thread), and hundreds of parts each asking for it add up.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}
