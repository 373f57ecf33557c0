// Opens each URL in Debian's chromium (never a downloaded browser), saves a
// full-page screenshot, runs axe-core (WCAG 2.1 A/AA + best practices) and
// records Content-Security-Policy violations. Prints one JSON array.
//
// usage: node axe.mjs OUT_DIR URL...
import { launch } from './launch.mjs';
import fs from 'node:fs';
import path from 'node:path';

const [, , outDir, ...urls] = process.argv;
if (!outDir || urls.length === 0) {
  console.error('usage: node axe.mjs OUT_DIR URL...');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const axeSource = fs.readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

const browser = await launch();
const report = [];
try {
  for (const [i, url] of urls.entries()) {
    for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['ponsel', { width: 390, height: 800 }]]) {
      const page = await browser.newPage({ viewport });
      const csp = [];
      page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
      const failed = [];
      page.on('requestfailed', (r) => failed.push(r.url()));
      const response = await page.goto(url, { waitUntil: 'load' });
      const shot = path.join(outDir, `${i}-${label}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      // Evaluated over the DevTools protocol, so the page's CSP does not block it.
      await page.evaluate(axeSource);
      const result = await page.evaluate(async () => await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      }));
      report.push({
        url, viewport: label, status: response ? response.status() : 0, screenshot: shot,
        violations: result.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
        })),
        passes: result.passes.length,
        csp, failed_requests: failed,
      });
      await page.close();
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
