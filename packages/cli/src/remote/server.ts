import { type Config, ConfigError, resolveHeaders, selectTarget } from '@galapagos/client';
/**
 * Which server the run commands (`submit`, `status`, `watch`, `cancel`) talk to: `--url`, or
 * an `http` target of the config (its URL and headers, API keys from the environment).
 */

export interface RunServer {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The variable a `--url` server's API key comes from. */
export const API_KEY_ENV = 'GALAPAGOS_API_KEY';

export function runServer(
  config: Config,
  flags: { readonly target?: string; readonly url?: string },
  env: Readonly<Record<string, string | undefined>>,
): RunServer {
  if (flags.url !== undefined) {
    if (!/^https?:\/\//.test(flags.url) || !URL.canParse(flags.url))
      throw new ConfigError('command line', [
        { path: '--url', message: `must be an http(s) URL, got ${JSON.stringify(flags.url)}` },
      ]);
    const key = env[API_KEY_ENV];
    return {
      url: flags.url.replace(/\/+$/, ''),
      headers: key ? { authorization: `Bearer ${key}` } : {},
    };
  }
  const picked = selectTarget(config, flags.target);
  if ('path' in picked) throw new ConfigError('command line', [picked]);
  const { name, target } = picked;
  const url = target.type === 'http' ? (target.url ?? target.urls?.[0]) : undefined;
  if (target.type !== 'http' || url === undefined)
    throw new ConfigError('command line', [
      {
        path: '--target',
        message: `target "${name}" is a ${target.type} target; runs are submitted to a server: name an http target or give --url`,
      },
    ]);
  return { url: url.replace(/\/+$/, ''), headers: resolveHeaders(name, target.headers, env) };
}
