/**
 * report.html in a real browser: Debian's headless Chromium (driven by playwright-core, which
 * never downloads one) opens the page that `compress` wrote for a model whose node and tensor
 * names are HTML/script injections. It must render with no console error or warning, fetch
 * nothing, run no script, show the names as text, and draw its four charts. A full-page
 * screenshot is left in the temp folder (edgec-report-html.png) for a human to look at.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compress } from '../../src/api/compress.js';
import { buildModel } from '../helpers/onnx-builder.js';
import { randomTensor } from '../helpers/random.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SCREENSHOT = join(tmpdir(), 'edgec-report-html.png');

const CONV_NAME = '"><script>alert(1)</script>';
const FC_NAME = "<img src=x onerror='alert(2)'>";
const weights = (name: string, shape: number[], seed: number) => ({ name, shape, data: Array.from(randomTensor(shape, seed, -0.5, 0.5).data) });

function hostileNet(): Uint8Array {
  return buildModel({
    inputs: [{ name: '<input&>', shape: [1, 3, 12, 12] }],
    outputs: [{ name: 'scores' }],
    initializers: [weights('w1', [8, 3, 3, 3], 1), weights('w2', [8, 8, 3, 3], 2), weights('w3', [10, 8 * 6 * 6], 3), weights('shape', [2], 4)],
    nodes: [
      { op: 'Conv', name: CONV_NAME, inputs: ['<input&>', 'w1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', name: 'relu1', inputs: ['c1'], outputs: ['r1'] },
      { op: 'Conv', name: 'conv2', inputs: ['r1', 'w2'], outputs: ['c2'], attrs: { pads: [1, 1, 1, 1], strides: [2, 2] } },
      { op: 'Relu', name: 'relu2', inputs: ['c2'], outputs: ['r2'] },
      { op: 'Flatten', name: 'flat', inputs: ['r2'], outputs: ['f'] },
      { op: 'Gemm', name: FC_NAME, inputs: ['f', 'w3'], outputs: ['scores'], attrs: { transB: 1 } },
    ],
    opset: 13,
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'edgec-html-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!HAVE_CHROMIUM)(`report.html in headless Chromium${HAVE_CHROMIUM ? '' : ` [SKIPPED: no ${CHROMIUM}; scripts/setup.sh installs it]`}`, () => {
  it('renders with no console errors, fetches nothing, shows hostile names as text; screenshot taken', async () => {
    writeFileSync(join(tmp, 'hostile.onnx'), hostileNet());
    const out = join(tmp, 'out');
    const { report } = await compress(join(tmp, 'hostile.onnx'), { outDir: out, bits: 'w4a8', name: 'hostile' });
    expect(report.layers.map((l) => l.name)).toContain(CONV_NAME);
    const file = join(out, 'report.html');
    const url = pathToFileURL(file).href;

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
      const problems: string[] = [];
      const dialogs: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(url, { waitUntil: 'load' });

      // Evaluated in the page as a string: the tests are typechecked without the DOM library.
      const dom = (await page.evaluate(`(() => ({
        scripts: document.querySelectorAll('script').length,
        images: document.querySelectorAll('img').length,
        charts: [...document.querySelectorAll('svg.chart')].map((s) => {
          const box = s.getBoundingClientRect();
          return { width: box.width, height: box.height, shapes: s.querySelectorAll('rect').length };
        }),
        layerNames: [...document.querySelectorAll('table.layers td.name')].map((td) => td.textContent),
        title: document.title,
      }))()`)) as {
        scripts: number;
        images: number;
        charts: { width: number; height: number; shapes: number }[];
        layerNames: (string | null)[];
        title: string;
      };
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      expect(problems).toEqual([]);
      expect(dialogs).toEqual([]); // no injected script ran
      expect(requests).toEqual([url]); // the page itself, nothing else
      expect(dom.scripts).toBe(0);
      expect(dom.images).toBe(0);
      expect(dom.layerNames).toEqual(report.layers.map((l) => l.name));
      expect(dom.title).toBe(`edgec report: hostile on ${report.target.name}`);
      expect(dom.charts).toHaveLength(4);
      for (const c of dom.charts) {
        expect(c.width).toBeGreaterThan(300);
        expect(c.height).toBeGreaterThan(40);
        expect(c.shapes).toBeGreaterThan(2);
      }
      const png = readFileSync(SCREENSHOT);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeGreaterThan(20_000);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
