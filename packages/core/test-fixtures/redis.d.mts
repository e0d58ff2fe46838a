export function freePort(): Promise<number>;

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** The certificate to trust (NODE_EXTRA_CA_CERTS) when started with TLS. */
  readonly cert: string | undefined;
  readonly pid: number | undefined;
  stop(): Promise<void>;
  /** Stops Redis and starts an empty one on the same port after `downMs`. */
  restart(downMs?: number): Promise<void>;
}

export function startRedis(options?: { password?: string; tls?: boolean }): Promise<TestRedis>;
