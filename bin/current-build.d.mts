/** Where the command line's modules are (current-build.mjs). */
export const COMMANDS_DIR: string;
/** The TypeScript files under `root`/scripts/commands, relative and sorted (current-build.mjs). */
export function commandFiles(root: string): string[];
/** The path of the built entry in `root`/dist when the build is current, or null (current-build.mjs). */
export function currentBuild(root: string, entry?: string): string | null;
