/**
 * Builds the app package once (webpack into a temp dir, with a bridge domain as at install
 * time), then checks it against Zendesk's package rules (../shared/reference/zendesk.md, "The app
 * package"), as `zcli apps:validate` would without needing an account; and zips it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readPngSize } from '../../scripts/png';
import { filesUnder, zipDirectory } from '../../scripts/zip-dist';

const ROOT = join(__dirname, '../..');
const PARAMETER_TYPES = ['text', 'checkbox', 'url', 'number', 'multiline', 'hidden', 'oauth'];
const MANIFEST_KEYS = ['name', 'author', 'defaultLocale', 'private', 'location', 'frameworkVersion', 'version', 'parameters',
  'domainWhitelist', 'signedUrls', 'oauth', 'singleInstall', 'termsConditionsURL', 'remoteInstallationURL', 'requirementsOnly', 'marketingOnly'];

let dist: string;
let manifest: any;
const read = (path: string) => readFileSync(join(dist, path));

beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'wa-zendesk-dist-'));
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'node_modules/webpack-cli/bin/cli.js'), '--mode', 'production', '--env', `outputPath=${dist}`], {
    cwd: ROOT,
    env: { ...process.env, WHATSAPP_BRIDGE_DOMAIN: 'https://wa-bridge.acme.test/' },
    stdio: 'pipe',
  });
  manifest = JSON.parse(read('manifest.json').toString());
}, 120_000);

afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe('the built app package', () => {
  it('has the required manifest keys and no unknown ones', () => {
    for (const key of ['author', 'defaultLocale', 'location', 'frameworkVersion']) expect(manifest).toHaveProperty(key);
    expect(Object.keys(manifest).filter((key) => !MANIFEST_KEYS.includes(key))).toEqual([]);
    expect(manifest.author).toEqual({ name: expect.any(String), email: expect.stringContaining('@'), url: expect.stringMatching(/^https?:\/\//) });
    expect(manifest.frameworkVersion).toBe('2.0');
    expect(existsSync(join(dist, `translations/${manifest.defaultLocale}.json`))).toBe(true);
  });

  it('has every location URL as a file in assets/ (or an allowed URL), with a boolean flexible', () => {
    const locations = Object.values(manifest.location as Record<string, Record<string, { url: string; flexible?: unknown }>>).flatMap((product) => Object.values(product));
    expect(locations.length).toBeGreaterThan(0);
    for (const { url, flexible } of locations) {
      if (url.startsWith('assets/')) expect(existsSync(join(dist, url))).toBe(true);
      else expect(url).toMatch(/^(https:\/\/|http:\/\/localhost|.*\{\{setting\.)/);
      if (flexible !== undefined) expect(typeof flexible).toBe('boolean');
    }
    expect(manifest.location.support.ticket_sidebar).toEqual({ url: 'assets/iframe.html', flexible: true });
  });

  it('has the iframe page load the app bundle, which contains the ZAF SDK', () => {
    const html = read('assets/iframe.html').toString();
    const src = /<script[^>]*src="?([^" >]+)/.exec(html)?.[1];
    expect(src).toBeDefined();
    const bundle = join(dist, 'assets', src!);
    expect(existsSync(bundle)).toBe(true);
    expect(readFileSync(bundle, 'utf8')).toContain('app.registered');
  });

  it('preloads the UI chunk from the iframe page, and every script is in assets/', () => {
    const html = read('assets/iframe.html').toString();
    const preloads = [...html.matchAll(/<link[^>]*rel="?preload"?[^>]*href="?([^" >]+)/g)].map((match) => match[1]);
    expect(preloads).toEqual(['ui.js']);
    for (const href of preloads) expect(existsSync(join(dist, 'assets', href))).toBe(true);
    expect(filesUnder(dist).filter((name) => name.endsWith('.js')).sort()).toEqual(['assets/app.js', 'assets/picker.js', 'assets/ui.js']);
  });

  it('keeps all its JavaScript (entry and every chunk) within 150 KB gzipped, the entry small', () => {
    const scripts = filesUnder(dist).filter((name) => name.endsWith('.js'));
    const gzipped = Object.fromEntries(scripts.map((name) => [name, gzipSync(read(name), { level: 9 }).length]));
    const total = Object.values(gzipped).reduce((sum, bytes) => sum + bytes, 0);
    expect(total).toBeLessThanOrEqual(150 * 1000);
    // The entry runs the boot while ui.js loads: it must stay a small fraction of the whole.
    expect(gzipped['assets/app.js']).toBeLessThan(15 * 1000);
  });

  it('declares parameters Zendesk accepts, the key as a secure text setting without default and with scopes', () => {
    for (const parameter of manifest.parameters) {
      expect(PARAMETER_TYPES).toContain(parameter.type);
      expect(parameter.name).not.toBe('name');
      if (parameter.type === 'hidden') expect(parameter.required).not.toBe(true);
      if (parameter.secure) {
        expect(parameter).not.toHaveProperty('default');
        expect(parameter.scopes).toEqual(expect.arrayContaining([expect.any(String)]));
      }
    }
    expect(manifest.parameters.find((p: any) => p.name === 'bridgeApiKey')).toEqual({ name: 'bridgeApiKey', type: 'text', required: true, secure: true, scopes: ['header'] });
    expect(manifest.parameters.find((p: any) => p.name === 'bridgeUrl')).toMatchObject({ type: 'url', required: true });
  });

  it('whitelists the bridge host given at build time', () => {
    expect(manifest.domainWhitelist).toEqual(['wa-bridge.acme.test']);
  });

  it.each(['en', 'it', 'zh-cn', 'es', 'pt-br'])('translations/%s.json has the marketplace texts and a label and help text for every parameter', (locale) => {
    const { app } = JSON.parse(read(`translations/${locale}.json`).toString());
    for (const key of ['name', 'short_description', 'long_description', 'installation_instructions']) expect(app[key]).toEqual(expect.stringMatching(/\S/));
    for (const { name } of manifest.parameters) {
      expect(app.parameters[name]).toEqual({ label: expect.stringMatching(/\S/), helpText: expect.stringMatching(/\S/) });
    }
  });

  it('has logo.png 320×320 and logo-small.png 128×128 (read from the PNG headers)', () => {
    expect(readPngSize(read('assets/logo.png'))).toEqual({ width: 320, height: 320 });
    expect(readPngSize(read('assets/logo-small.png'))).toEqual({ width: 128, height: 128 });
  });

  it('zips every file with the manifest at the root', () => {
    const zip = zipDirectory(dist);
    const names = filesUnder(dist);
    expect(names).toEqual(expect.arrayContaining(['manifest.json', 'assets/iframe.html', 'assets/logo.png', 'translations/en.json', 'assets/app.js', 'assets/ui.js', 'assets/picker.js']));
    for (const name of names) expect(zip.includes(Buffer.from(name))).toBe(true);
    expect(zip.readUInt32LE(zip.length - 22)).toBe(0x06054b50);
    expect(zip.readUInt16LE(zip.length - 12)).toBe(names.length);
  });
});
