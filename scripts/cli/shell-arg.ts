/** A command-line argument as a POSIX shell reads it back in a printed hint (quoted only when it must be). */
export const shellArg = (s: string): string =>
  /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
