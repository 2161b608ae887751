/** The path of the built entry in `root`/dist when the build is current, or null (current-build.mjs). */
export function currentBuild(root: string, entry?: string): string | null;
