/**
 * Builds the Zendesk app package into dist/ (or `--env outputPath=…`): manifest.json,
 * translations/ (marketplace texts), assets/iframe.html, the app bundle (the ZAF SDK is bundled
 * from node_modules: its npm package ships CommonJS only, no prebuilt script), and the logos.
 *
 * Three scripts, so the window clock waits for as little as possible (issue 4, "Size and speed"):
 * app.js, small (the ZAF SDK and the boot: handshake, settings, the first bridge request);
 * ui.js (React, Garden, the screens), preloaded by iframe.html so it downloads alongside app.js
 * and runs while the boot's requests travel; picker.js, the template picker, loaded once the
 * clock is on screen (app/components/TemplatePicker.tsx). `publicPath: 'auto'` makes app.js find
 * its chunks next to itself, wherever Zendesk serves assets/ from (its CDN, zcli's localhost
 * server, the sandbox's ZAF host).
 *
 * domainWhitelist: the bridge's host is only known at install time, so manifest.json carries
 * the placeholder `bridge.example.com`, which the build replaces with WHATSAPP_BRIDGE_DOMAIN
 * (README, "Sidebar app").
 */
import { posix, resolve } from 'node:path';
import CopyPlugin from 'copy-webpack-plugin';
import HtmlWebpackPlugin from 'html-webpack-plugin';
import type { Compiler, Configuration } from 'webpack';

/** Chunks the entry imports at once: iframe.html preloads them so they download with app.js. */
export const PRELOADED_CHUNKS = ['ui'];

/** Adds `<link rel="preload" as="script">` for the named async chunks to the page html-webpack-plugin writes. */
class PreloadChunksPlugin {
  constructor(private readonly names: string[]) {}

  apply(compiler: Compiler): void {
    compiler.hooks.compilation.tap('PreloadChunksPlugin', (compilation) => {
      HtmlWebpackPlugin.getHooks(compilation).alterAssetTagGroups.tap('PreloadChunksPlugin', (data) => {
        const pageDir = posix.dirname(data.outputName);
        const files = [...compilation.chunks].filter((chunk) => chunk.name && this.names.includes(chunk.name)).flatMap((chunk) => [...chunk.files].filter((file) => file.endsWith('.js')));
        const links = files.map((file) => HtmlWebpackPlugin.createHtmlTagObject('link', { rel: 'preload', as: 'script', href: posix.relative(pageDir, file) }));
        data.headTags.unshift(...links);
        return data;
      });
    });
  }
}

export const PLACEHOLDER_DOMAIN = 'bridge.example.com';

export function rewriteManifest(content: Buffer | string, bridgeDomain = process.env.WHATSAPP_BRIDGE_DOMAIN): string {
  const manifest = JSON.parse(content.toString());
  if (bridgeDomain) {
    const host = bridgeDomain.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    manifest.domainWhitelist = [host];
  }
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export default (env: Record<string, string | boolean> = {}, argv: { mode?: Configuration['mode'] } = {}): Configuration => {
  const mode = argv.mode ?? 'production';
  const outputPath = typeof env.outputPath === 'string' ? resolve(env.outputPath) : resolve(__dirname, 'dist');
  return {
    mode,
    context: __dirname,
    entry: { app: './app/index.tsx' },
    output: { path: outputPath, filename: 'assets/[name].js', chunkFilename: 'assets/[name].js', publicPath: 'auto', clean: true },
    resolve: { extensions: ['.tsx', '.ts', '.js'] },
    devtool: mode === 'production' ? false : 'eval-source-map',
    // The picker's libraries (Garden forms, zod) go into picker.js itself rather than a separately
    // named vendor chunk: one more request instead of two, and a package whose file names are
    // stable (test/app/package.test.ts checks each script is in the zip and in the size budget).
    optimization: { splitChunks: { cacheGroups: { default: false, defaultVendors: false } } },
    performance: { hints: false },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2020' },
              module: { type: 'es6' },
            },
          },
        },
      ],
    },
    plugins: [
      new HtmlWebpackPlugin({ template: './app/iframe.html', filename: 'assets/iframe.html', scriptLoading: 'defer' }),
      new PreloadChunksPlugin(PRELOADED_CHUNKS),
      new CopyPlugin({
        patterns: [
          { from: 'manifest.json', to: 'manifest.json', transform: (content) => rewriteManifest(content) },
          { from: 'translations', to: 'translations' },
          { from: 'app/assets/logo.png', to: 'assets/logo.png' },
          { from: 'app/assets/logo-small.png', to: 'assets/logo-small.png' },
        ],
      }),
    ],
  };
};
