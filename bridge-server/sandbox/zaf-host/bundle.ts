/**
 * Browser code of the sandbox (the ZAF host, pages that use it) is TypeScript bundled on the fly
 * with esbuild the first time it is asked for, then served from memory: no build step to forget,
 * and an edit is picked up on the next request (the source files' mtimes are checked).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

export interface BrowserBundle {
  code: string;
  /** The files that went into it, to rebuild when one changes. */
  inputs: string[];
  builtAt: number;
}

export interface BundleOptions {
  /** Exposes the entry's exports as `window[globalName]`. */
  globalName?: string;
  minify?: boolean;
}

const cache = new Map<string, Promise<BrowserBundle>>();

function isStale(bundle: BrowserBundle): boolean {
  return bundle.inputs.some((file) => {
    try {
      return fs.statSync(file).mtimeMs > bundle.builtAt;
    } catch {
      return true;
    }
  });
}

async function build(entry: string, options: BundleOptions): Promise<BrowserBundle> {
  const builtAt = Date.now();
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: options.globalName,
    platform: 'browser',
    target: 'es2020',
    minify: options.minify ?? false,
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs).map((file) => path.resolve(process.cwd(), file));
  return { code: result.outputFiles[0].text, inputs, builtAt };
}

/** The bundled JavaScript of `entry` (an absolute path), built once and rebuilt when a source changes. */
export async function bundleBrowserEntry(entry: string, options: BundleOptions = {}): Promise<string> {
  const key = `${entry}|${options.globalName ?? ''}|${options.minify ? 1 : 0}`;
  let pending = cache.get(key);
  if (pending) {
    const bundle = await pending.catch(() => null);
    if (bundle && !isStale(bundle)) return bundle.code;
  }
  pending = build(entry, options);
  cache.set(key, pending);
  pending.catch(() => cache.delete(key));
  return (await pending).code;
}

/**
 * Stops esbuild's helper process (it keeps the Node process alive) and forgets the bundles.
 * Call it when done serving, e.g. at the end of tests and scripts.
 */
export async function stopBundler(): Promise<void> {
  cache.clear();
  await esbuild.stop();
}
