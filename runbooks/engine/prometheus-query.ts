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

export async function instantQuery(base: string, query: string, timeoutMs = 5000): Promise<QueryAnswer> {
  let res: Response;
  try {
    res = await fetch(new URL('/api/v1/query', base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why =
      e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (e.cause?.code ?? e.message);
    return { answered: false, problem: `Prometheus at ${base} is unreachable (${why})` };
  }
  let body: {
    status?: string;
    error?: string;
    data?: { resultType?: string; result?: { metric: Record<string, string>; value: [number, string] }[] };
  };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    return { answered: false, problem: `Prometheus at ${base} answered HTTP ${res.status} without JSON` };
  }
  if (body.status !== 'success')
    return {
      answered: false,
      problem: `the query failed: ${(body.error ?? `HTTP ${res.status}`).slice(0, 200)}`,
    };
  if (body.data?.resultType !== 'vector' || !Array.isArray(body.data.result))
    return { answered: false, problem: `expected an instant vector, got ${body.data?.resultType}` };
  return {
    answered: true,
    samples: body.data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) })),
  };
}
