/**
 * Prometheus's HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/) through the
 * dashboard server's proxy (same origin: no CORS).
 */

/** A query Prometheus refused or could not answer: the message is Prometheus's own. */
export class PromError extends Error {}

export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface InstantSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function api<T>(path: string, params: Record<string, string | string[]>): Promise<T> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of [v].flat()) form.append(k, one);
  let body: { status?: string; errorType?: string; error?: string; data?: T };
  let status = 0;
  try {
    const r = await fetch(`/api/v1/${path}`, { method: "POST", body: form });
    status = r.status;
    body = await r.json();
  } catch (err) {
    throw new PromError(
      `the dashboard server did not answer (HTTP ${status || "–"}): ${(err as Error).message}`,
    );
  }
  if (body.status !== "success" || body.data === undefined)
    throw new PromError(`${body.errorType ?? "error"}: ${body.error ?? `HTTP ${status}`}`);
  return body.data;
}

/** `/api/v1/query_range`: a matrix (a scalar result becomes one series). Times in Unix seconds. */
export async function queryRange(
  expr: string,
  start: number,
  end: number,
  step: number,
): Promise<RangeSeries[]> {
  const data = await api<{ resultType: string; result: unknown }>("query_range", {
    query: expr,
    start: String(start),
    end: String(end),
    step: String(step),
  });
  return data.result as RangeSeries[];
}

/** `/api/v1/query` at `time` (Unix seconds): an instant vector (a scalar becomes one sample). */
export async function queryInstant(expr: string, time: number): Promise<InstantSample[]> {
  const data = await api<{ resultType: string; result: unknown }>("query", {
    query: expr,
    time: String(time),
  });
  if (data.resultType === "scalar") return [{ metric: {}, value: data.result as [number, string] }];
  return data.result as InstantSample[];
}

/** `/api/v1/label/<label>/values` of the series matching `match` within [start, end]. */
export async function labelValues(
  label: string,
  match: string,
  start: number,
  end: number,
): Promise<string[]> {
  const params = new URLSearchParams({ start: String(start), end: String(end) });
  params.append("match[]", match);
  const r = await fetch(`/api/v1/label/${encodeURIComponent(label)}/values?${params}`);
  const body = (await r.json()) as { status: string; data?: string[]; error?: string; errorType?: string };
  if (body.status !== "success")
    throw new PromError(`${body.errorType ?? "error"}: ${body.error ?? r.status}`);
  return (body.data ?? []).sort();
}
