/**
 * Problem modules are bundled with esbuild before they are loaded: a `.ts` file runs on any
 * supported Node, its npm packages and local files travel with it (into worker threads, the
 * Lambda zip, the Azure package), and its code can be hashed into a fingerprint.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GalapagosError } from '../errors.js';

/** The first line of every bundle this module writes; it carries the bundle's code hash. */
const MARK = '// galapagos-problem-bundle ';
const MARK_PATTERN = /^\/\/ galapagos-problem-bundle (sha256:[0-9a-f]{64})\n/;

/** A problem module built into one ES module file. */
export interface ProblemBundle {
  /** The module as the user named it (absolute path). */
  readonly source: string;
  /** The bundle to import. */
  readonly file: string;
  /** Hash of every input file's content (the module, its local imports, its npm packages). */
  readonly codeHash: string;
}

export interface BundleOptions {
  /** Where to write bundles; default: `GALAPAGOS_CACHE_DIR` or the system temp folder. */
  readonly outDir?: string;
  /**
   * Bundle for another machine (the Lambda zip, the Azure package): `import.meta.url` stays the
   * bundle's own. By default it is set to the source file's, so that a module's
   * `import.meta.dirname` (e.g. where its external program lives) keeps its meaning.
   */
  readonly portable?: boolean;
}

// Bundled CommonJS packages call require() for Node built-ins.
const BANNER =
  "import { createRequire as __galapagosRequire } from 'node:module'; const require = __galapagosRequire(import.meta.url);";

/**
 * This installation's own entry points, for modules that import core without installing it:
 * core resolved by name from here, which finds this package from its own build (a package may
 * import itself by name) and from a program that bundles it (the CLI), whose folder depends on
 * it. Asked when a module needs them, not at import: a deployed bundle has no packages to ask.
 */
const coreEntry = (specifier: string): string => fileURLToPath(import.meta.resolve(specifier));

/**
 * Resolves `@galapagos/core` where the module's folder has it (its own version counts), and
 * otherwise to the installation doing the bundling: a module mounted into the server image,
 * say, with no node_modules of its own.
 */
const coreFallback = {
  name: 'galapagos-core-fallback',
  setup(build: import('esbuild').PluginBuild) {
    build.onResolve({ filter: /^@galapagos\/core(\/runtime)?$/ }, async (args) => {
      if (args.pluginData === 'fallback') return undefined;
      const found = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'fallback',
      });
      if (found.errors.length === 0) return found;
      return { path: coreEntry(args.path) };
    });
  },
};

const moduleError = (source: string, reason: string, cause?: unknown) =>
  new GalapagosError('GALAPAGOS_ERR_PROBLEM_MODULE', `problem module ${source}: ${reason}`, {
    ...(cause === undefined ? {} : { cause }),
  });

/** The code hash of a file this module wrote, or undefined for any other file. */
export async function bundleHash(file: string): Promise<string | undefined> {
  let head: string;
  try {
    const text = await readFile(file, 'utf8');
    head = text.slice(0, MARK.length + 80);
  } catch {
    return undefined;
  }
  return MARK_PATTERN.exec(head)?.[1];
}

/**
 * Builds a problem module (`.ts`, `.mts`, `.js`, `.mjs`) into one ES module, or takes it as it
 * is when it already is such a bundle (the Lambda and Azure packages ship them).
 * @throws GalapagosError `GALAPAGOS_ERR_PROBLEM_MODULE`: missing file, build error.
 */
export async function bundleProblemModule(
  path: string,
  options: BundleOptions = {},
): Promise<ProblemBundle> {
  const source = resolve(path);
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (error) {
    throw moduleError(source, `cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  const prebuilt = MARK_PATTERN.exec(text.slice(0, MARK.length + 80))?.[1];
  if (prebuilt) return { source, file: source, codeHash: prebuilt };

  // Named through a variable so that bundlers (the Lambda and Azure packages, which ship
  // prebuilt bundles and no esbuild) do not follow it.
  const builder = 'esbuild';
  let esbuild: typeof import('esbuild');
  try {
    esbuild = (await import(builder)) as typeof import('esbuild');
  } catch (error) {
    throw moduleError(source, 'is not a prebuilt bundle and esbuild is not installed here', error);
  }
  const sourceUrl = pathToFileURL(source).href;
  let result: Awaited<ReturnType<typeof esbuild.build>>;
  try {
    result = await esbuild.build({
      entryPoints: [source],
      absWorkingDir: dirname(source),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      metafile: true,
      logLevel: 'silent',
      legalComments: 'none',
      banner: { js: BANNER },
      plugins: [coreFallback],
      outfile: 'bundle.mjs',
      ...(options.portable
        ? {}
        : {
            define: {
              'import.meta.url': JSON.stringify(sourceUrl),
              'import.meta.filename': JSON.stringify(source),
              'import.meta.dirname': JSON.stringify(dirname(source)),
            },
          }),
    });
  } catch (error) {
    const messages = (
      error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }
    ).errors;
    const reason = messages?.length
      ? messages
          .slice(0, 3)
          .map((m) => (m.location ? `${m.location.file}:${m.location.line}: ${m.text}` : m.text))
          .join('; ')
      : String(error);
    throw moduleError(source, `does not build: ${reason}`, error);
  }
  // The hash covers the content of the inputs, not the bundle's text, which carries paths
  // that differ between machines and package layouts.
  // Only the files that put code into the bundle count: a change to a module that is
  // imported but tree-shaken away (the rest of @galapagos/core, say) changes nothing.
  const output = Object.values(result.metafile?.outputs ?? {})[0];
  const inputs = Object.entries(output?.inputs ?? {})
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([input]) => input);
  const digests = await Promise.all(
    inputs.map(async (input) =>
      createHash('sha256')
        .update(await readFile(resolve(dirname(source), input)))
        .digest('hex'),
    ),
  );
  const codeHash = `sha256:${createHash('sha256').update(digests.sort().join('\n')).digest('hex')}`;
  const outDir =
    options.outDir ?? process.env.GALAPAGOS_CACHE_DIR ?? join(tmpdir(), 'galapagos-problems');
  const name = basename(source, extname(source));
  // Portable bundles are named after their module; cached ones after their hash and source.
  const where = createHash('sha256').update(source).digest('hex').slice(0, 8);
  const file = join(
    outDir,
    options.portable ? `${name}.mjs` : `${name}-${codeHash.slice(7, 23)}-${where}.mjs`,
  );
  await mkdir(outDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${MARK}${codeHash}\n${result.outputFiles?.[0]?.text ?? ''}`);
  await rename(temp, file);
  return { source, file, codeHash };
}
