/**
 * Arguments as a POSIX shell reads them back: for a remote command ssh hands to a shell, and for
 * the command lines citycloud prints and journals (copied into a terminal, they run as they ran).
 */

/** Always quoted: `'it'\''s'`. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Quoted only when it must be: plain words stay as they are. */
export const shellArg = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : shellQuote(s));

/** An argv as one command line. */
export const commandLine = (argv: readonly string[]): string => argv.map(shellArg).join(' ');
