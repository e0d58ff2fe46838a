/**
 * What the server needs of a run service (`@galapagos/client/runs` implements it: the run
 * loop is the client's). The server owns the HTTP side: routes, keys, errors, SSE framing.
 */
export interface RunEventMessage {
  readonly id?: string;
  readonly event: string;
  readonly data: unknown;
}

export interface RunServiceLike {
  readonly where: string;
  start(self: { url: string; headers: Readonly<Record<string, string>> }): Promise<void>;
  stop(): Promise<void>;
  submit(body: unknown): Promise<{ readonly id: string }>;
  list(): Promise<readonly unknown[]>;
  get(id: string): Promise<unknown>;
  state(id: string): Promise<unknown>;
  cancel(id: string): Promise<unknown>;
  events(id: string, after: number, signal: AbortSignal): AsyncIterable<RunEventMessage>;
  /** A dashboard file (`''` is the page), or undefined. */
  dashboardFile(name: string): { type: string; body: string } | undefined;
}
