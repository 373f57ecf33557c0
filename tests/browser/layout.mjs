// Opens each URL in Debian's chromium at phone (390 x 800) and desktop
// (1280 x 900) size, saves a screenshot of the first screen, and measures
// what a citizen sees there: where the lead, the service summary and the
// editor's text sit, which menu entry is marked current, the tel: links,
// and whether tables and the page fit their width. Prints one JSON array.
//
// usage: node layout.mjs OUT_DIR URL...
import { launch } from './launch.mjs';
import fs from 'node:fs';
import path from 'node:path';

const [, , outDir, ...urls] = process.argv;
if (!outDir || urls.length === 0) {
  console.error('usage: node layout.mjs OUT_DIR URL...');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const browser = await launch();
const report = [];
try {
  for (const [i, url] of urls.entries()) {
    for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }], ['ponsel', { width: 390, height: 800 }]]) {
      const page = await browser.newPage({ viewport });
      const response = await page.goto(url, { waitUntil: 'load' });
      const shot = path.join(outDir, `tata-${i}-${label}.png`);
      await page.screenshot({ path: shot });
      const m = await page.evaluate(() => {
        const rect = (el) => {
          if (!el) return null;
          const r = el.getBoundingClientRect();
          return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width };
        };
        const q = (s) => document.querySelector(s);
        return {
          page_width: document.documentElement.scrollWidth,
          lead: rect(q('main .lead')),
          summary: rect(q('.ringkasan-layanan')),
          summary_rows: [...document.querySelectorAll('.ringkasan-layanan .rl-baris')].map((r) => ({
            label: r.querySelector('dt').textContent.trim(),
            value: r.querySelector('dd').textContent.trim(),
            rect: rect(r),
          })),
          text: rect(q('main .konten')),
          first_component: rect(q('#persyaratan')),
          current: [...document.querySelectorAll('.menu a[aria-current]')].map((a) => a.textContent.trim()),
          tel: [...document.querySelectorAll('a[href^="tel:"]')].map((a) => a.getAttribute('href')),
          tables: [...document.querySelectorAll('main table')].map((t) => ({
            width: t.getBoundingClientRect().width,
            box_width: t.parentElement.clientWidth,
            box_scroll_width: t.parentElement.scrollWidth,
            box_scrolls: getComputedStyle(t.parentElement).overflowX,
          })),
        };
      });
      report.push({ url, viewport: label, width: viewport.width, height: viewport.height, status: response ? response.status() : 0, screenshot: shot, ...m });
      await page.close();
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
