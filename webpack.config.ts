/**
 * Builds the Zendesk app package into dist/ (or `--env outputPath=…`): manifest.json,
 * translations/ (marketplace texts), assets/iframe.html, the app bundle (the ZAF SDK is bundled
 * from node_modules: its npm package ships CommonJS only, no prebuilt script), and the logos.
 *
 * domainWhitelist: the bridge's host is only known at install time, so manifest.json carries
 * the placeholder `bridge.example.com`, which the build replaces with WHATSAPP_BRIDGE_DOMAIN
 * (README, "Sidebar app").
 */
import { resolve } from 'node:path';
import CopyPlugin from 'copy-webpack-plugin';
import HtmlWebpackPlugin from 'html-webpack-plugin';
import type { Configuration } from 'webpack';

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
    output: { path: outputPath, filename: 'assets/[name].js', clean: true },
    resolve: { extensions: ['.tsx', '.ts', '.js'] },
    devtool: mode === 'production' ? false : 'eval-source-map',
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
