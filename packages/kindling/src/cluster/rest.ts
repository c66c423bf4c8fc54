/** Small readers of the JSON the master UI and the application's Spark UI serve. */

/** GETs a URL and parses its JSON; throws with the URL on a network error, non-2xx or timeout. */
export async function getJson<T>(url: string, timeoutMs = 5_000): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** A worker as the master's `/json/` lists it. */
export interface MasterWorker {
  id: string;
  host: string;
  port: number;
  webuiaddress: string;
  cores: number;
  coresused: number;
  memory: number;
  memoryused: number;
  state: string;
}

/** An application as the master's `/json/` lists it. */
export interface MasterApp {
  id: string;
  name: string;
  cores: number;
  memoryperexecutor?: number;
  state: string;
  starttime: number;
  duration: number;
}

/** The master's `/json/` (Spark's MasterStateResponse). */
export interface MasterJson {
  url: string;
  workers: MasterWorker[];
  aliveworkers: number;
  cores: number;
  coresused: number;
  memory: number;
  memoryused: number;
  activeapps: MasterApp[];
  completedapps: MasterApp[];
  status: string;
}

/** Reads the master's `/json/` endpoint. */
export function masterJson(masterUiUrl: string): Promise<MasterJson> {
  return getJson<MasterJson>(`${masterUiUrl}/json/`);
}

/** An executor as `/api/v1/applications/<id>/allexecutors` describes it. */
export interface ExecutorJson {
  id: string;
  hostPort: string;
  isActive: boolean;
  activeTasks: number;
  failedTasks: number;
  completedTasks: number;
  totalTasks: number;
  totalCores: number;
  addTime: string;
  removeTime?: string;
  removeReason?: string;
}

/** A stage attempt as `/api/v1/applications/<id>/stages` describes it. */
export interface StageJson {
  stageId: number;
  attemptId: number;
  status: string;
  numActiveTasks: number;
  numCompleteTasks: number;
  numFailedTasks: number;
  numTasks: number;
  shuffleWriteBytes: number;
  name: string;
}

/** The id of the application the Connect server runs (its Spark UI serves exactly one). */
export async function applicationId(connectUiUrl: string): Promise<string> {
  const apps = await getJson<{ id: string }[]>(`${connectUiUrl}/api/v1/applications`);
  const id = apps[0]?.id;
  if (!id) throw new Error(`${connectUiUrl}/api/v1/applications lists no application`);
  return id;
}

/**
 * Executors of the application, lost ones included (`allexecutors`), without the driver.
 * Returns them ordered by numeric id.
 */
export async function executors(connectUiUrl: string, appId?: string): Promise<ExecutorJson[]> {
  const id = appId ?? (await applicationId(connectUiUrl));
  const all = await getJson<ExecutorJson[]>(`${connectUiUrl}/api/v1/applications/${id}/allexecutors`);
  return all.filter((e) => e.id !== "driver").sort((a, b) => Number(a.id) - Number(b.id));
}

/** Every stage attempt of the application (retried stages appear once per attempt). */
export async function stages(connectUiUrl: string, appId?: string): Promise<StageJson[]> {
  const id = appId ?? (await applicationId(connectUiUrl));
  return getJson<StageJson[]>(`${connectUiUrl}/api/v1/applications/${id}/stages`);
}
