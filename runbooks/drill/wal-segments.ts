/**
 * PostgreSQL's write-ahead log as an archive holds it: positions (LSNs, `0/5000028`), the
 * 16 MiB segment files they fall in (`000000010000000000000005`: timeline, then the segment
 * number as two 32-bit halves), which segments a restore needs between two positions and which
 * of those an archive lacks, and the commits `pg_waldump` reads in a segment.
 */

/** The default (and Spilo's) segment size: 16 MiB. */
export const SEGMENT_BYTES = 16n * 1024n * 1024n;
const SEGMENTS_PER_XLOGID = 0x1_0000_0000n / SEGMENT_BYTES;

/** A segment file's name: 24 hexadecimal digits. */
export const SEGMENT_NAME = /^[0-9A-F]{24}$/;

/** An LSN (`16/B374D848`) as a number of bytes, or null when it is not one. */
export function parseLsn(text: string): bigint | null {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  return m ? (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`) : null;
}

export const formatLsn = (lsn: bigint): string =>
  `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffff_ffffn).toString(16).toUpperCase()}`;

const hex8 = (n: bigint) => n.toString(16).toUpperCase().padStart(8, '0');

/** The name of the segment holding `lsn` on `timeline`. */
export function segmentOf(timeline: number, lsn: bigint): string {
  const segno = lsn / SEGMENT_BYTES;
  return `${hex8(BigInt(timeline))}${hex8(segno / SEGMENTS_PER_XLOGID)}${hex8(segno % SEGMENTS_PER_XLOGID)}`;
}

/** A segment name's timeline and segment number. */
export function segmentNumber(name: string): { timeline: number; segno: bigint } {
  return {
    timeline: Number.parseInt(name.slice(0, 8), 16),
    segno: BigInt(`0x${name.slice(8, 16)}`) * SEGMENTS_PER_XLOGID + BigInt(`0x${name.slice(16, 24)}`),
  };
}

/** The segments from the one holding `from` to the one holding `to`, both included, in order. */
export function segmentsBetween(timeline: number, from: bigint, to: bigint): string[] {
  const out: string[] = [];
  for (let s = from / SEGMENT_BYTES; s <= to / SEGMENT_BYTES; s++)
    out.push(segmentOf(timeline, s * SEGMENT_BYTES));
  return out;
}

/** The segments a restore from `from` to `to` needs that `archived` does not hold. */
export function missingSegments(
  timeline: number,
  from: bigint,
  to: bigint,
  archived: ReadonlySet<string>,
): string[] {
  return segmentsBetween(timeline, from, to).filter((s) => !archived.has(s));
}

/** A commit `pg_waldump` read: its transaction and when it committed (unix seconds). */
export interface WalCommit {
  readonly xid: number;
  readonly at: number;
}

/**
 * The commits in `pg_waldump --rmgr=Transaction` output (run with TZ=UTC): its lines read
 * `rmgr: Transaction len …, tx: 745, lsn: 0/0301A2B8, prev …, desc: COMMIT 2026-12-05 16:10:01.123456 UTC`.
 */
export function walCommits(output: string): WalCommit[] {
  const out: WalCommit[] = [];
  const line = /\btx:\s+(\d+),.*\bdesc: COMMIT (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) UTC\b/;
  for (const l of output.split('\n')) {
    const m = line.exec(l);
    if (!m) continue;
    const at = Date.parse(`${(m[2] as string).replace(' ', 'T')}Z`) / 1000;
    if (Number.isFinite(at)) out.push({ xid: Number(m[1]), at });
  }
  return out;
}
