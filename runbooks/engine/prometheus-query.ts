/**
 * Instant queries against Prometheus' HTTP API for the health gates. Every way a query can fail
 * to give an answer (unreachable, slow, an error, a result of the wrong type) is an `unanswered`
 * result with the reason, never an exception and never an empty answer: a gate must be able to
 * tell "no server is down" from "we could not ask".
 */

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export type QueryAnswer =
  | { readonly answered: true; readonly samples: readonly Sample[] }
  | { readonly answered: false; readonly problem: string };

/**
 * A Prometheus URL as it may be printed or written in a report: a password in it (basic auth,
 * `https://user:secret@host`) shown as `***`.
 */
export function shownUrl(base: string): string {
  try {
    const u = new URL(base);
    if (!u.password) return base;
    u.password = '***';
    return u.toString().replace(/\/$/, base.endsWith('/') ? '/' : '');
  } catch {
    return base;
  }
}

/** The request for an API path: credentials in the URL sent as a basic Authorization header. */
function request(base: string, path: string): { url: URL; headers: Record<string, string> } {
  const url = new URL(path, base);
  const headers: Record<string, string> = {};
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url, headers };
}

type ApiBody = {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown[] };
};

/**
 * The most bytes of one answer read: a query that matches far more series than it should (a
 * label gone wrong, a hostile Prometheus) is refused, not read into memory. The reviews' range
 * queries answer a few hundred kilobytes for the built-in city.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** The read limit: MAX_ANSWER_BYTES, or CITYCLOUD_PROMETHEUS_MAX_ANSWER_BYTES when it is a whole number. */
function answerLimit(): number {
  const v = Number(process.env.CITYCLOUD_PROMETHEUS_MAX_ANSWER_BYTES);
  return Number.isSafeInteger(v) && v > 0 ? v : MAX_ANSWER_BYTES;
}

const bytesText = (n: number) => (n % 1048576 === 0 ? `${n / 1048576} MiB` : `${n} bytes`);

/** The body's text, read up to `max` bytes; rejects (and stops reading) past it. */
async function boundedText(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel();
    throw new Error(
      `its answer is ${declared} bytes, over the ${max / 1024 / 1024} MiB read; narrow the query`,
    );
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new Error(`its answer is over the read limit of ${bytesText(max)}; narrow the query`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A POST to an API path; the body on success, or why there is none. */
async function ask(
  base: string,
  path: string,
  params: Record<string, string>,
  timeoutMs: number,
): Promise<{ ok: true; body: ApiBody } | { ok: false; problem: string }> {
  let res: Response;
  const shown = shownUrl(base);
  try {
    const { url, headers } = request(base, path);
    res = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why =
      e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (e.cause?.code ?? e.message);
    return { ok: false, problem: `Prometheus at ${shown} is unreachable (${why})` };
  }
  const text = await boundedText(res, answerLimit()).catch((err: Error) => ({ error: err.message }));
  if (typeof text !== 'string') return { ok: false, problem: `Prometheus at ${shown}: ${text.error}` };
  let body: ApiBody;
  try {
    body = JSON.parse(text) as ApiBody;
  } catch {
    return { ok: false, problem: `Prometheus at ${shown} answered HTTP ${res.status} without JSON` };
  }
  if (body.status !== 'success')
    return { ok: false, problem: `the query failed: ${(body.error ?? `HTTP ${res.status}`).slice(0, 200)}` };
  return { ok: true, body };
}

export async function instantQuery(base: string, query: string, timeoutMs = 5000): Promise<QueryAnswer> {
  const r = await ask(base, '/api/v1/query', { query }, timeoutMs);
  if (!r.ok) return { answered: false, problem: r.problem };
  const data = r.body.data;
  if (data?.resultType !== 'vector' || !Array.isArray(data.result))
    return { answered: false, problem: `expected an instant vector, got ${data?.resultType}` };
  return {
    answered: true,
    samples: (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((x) => ({
      labels: x.metric,
      value: Number(x.value[1]),
    })),
  };
}

/** One series of a range query: its labels and its samples, [unix seconds, value]. */
export interface RangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: readonly (readonly [number, number])[];
}

export type RangeAnswer =
  | { readonly answered: true; readonly series: readonly RangeSeries[] }
  | { readonly answered: false; readonly problem: string };

/** The most points Prometheus returns for one series of a range query. */
export const MAX_POINTS_PER_SERIES = 11_000;

/** A range query from start to end (unix seconds) at step seconds. */
export async function rangeQuery(
  base: string,
  query: string,
  range: { readonly start: number; readonly end: number; readonly step: number },
  timeoutMs = 30_000,
): Promise<RangeAnswer> {
  const r = await ask(
    base,
    '/api/v1/query_range',
    { query, start: String(range.start), end: String(range.end), step: String(range.step) },
    timeoutMs,
  );
  if (!r.ok) return { answered: false, problem: r.problem };
  const data = r.body.data;
  if (data?.resultType !== 'matrix' || !Array.isArray(data.result))
    return { answered: false, problem: `expected a range vector, got ${data?.resultType}` };
  return {
    answered: true,
    series: (data.result as { metric: Record<string, string>; values: [number, string][] }[]).map((x) => ({
      labels: x.metric,
      samples: x.values.map(([t, v]) => [t, Number(v)] as const),
    })),
  };
}

export type TargetsAnswer =
  | { readonly answered: true; readonly targets: readonly Readonly<Record<string, string>>[] }
  | { readonly answered: false; readonly problem: string };

/**
 * The labels of the targets of one scrape job (`scrapePool`, so a fleet's other thousands of
 * targets are not sent), from /api/v1/targets, once its discovery has listed them.
 */
export async function activeTargets(base: string, job: string, timeoutMs = 10_000): Promise<TargetsAnswer> {
  try {
    const { url, headers } = request(
      base,
      `/api/v1/targets?state=active&scrapePool=${encodeURIComponent(job)}`,
    );
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.json()) as {
      status?: string;
      data?: { activeTargets?: { labels: Record<string, string> }[] };
    };
    if (body.status !== 'success' || !Array.isArray(body.data?.activeTargets))
      return {
        answered: false,
        problem: `Prometheus at ${shownUrl(base)} did not list its targets (HTTP ${res.status})`,
      };
    // a Prometheus before 2.42 ignores scrapePool: keep the job's own
    return {
      answered: true,
      targets: body.data.activeTargets.map((t) => t.labels).filter((l) => l.job === job),
    };
  } catch (err) {
    return {
      answered: false,
      problem: `Prometheus at ${shownUrl(base)} did not list its targets (${(err as Error).message})`,
    };
  }
}

/** Whether Prometheus' loaded configuration has a scrape job of this name (/api/v1/status/config). */
export async function hasScrapeJob(base: string, job: string, timeoutMs = 10_000): Promise<boolean> {
  try {
    const { url, headers } = request(base, '/api/v1/status/config');
    const body = (await (await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) })).json()) as {
      data?: { yaml?: string };
    };
    return new RegExp(`^\\s*- job_name: ${job}$`, 'm').test(body.data?.yaml ?? '');
  } catch {
    return false;
  }
}
