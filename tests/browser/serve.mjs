// Opens `laman serve` pages in Debian's chromium: the findings overlay shows
// on a page that has findings and not on one without; after an edit of the
// page's source file the open tab reloads by itself (through /__laman/events)
// and shows the new text. Records CSP violations. Prints one JSON object.
//
// usage: node serve.mjs OVERLAY_URL PAGE_URL FILE MARKER
import { launch } from './launch.mjs';
import fs from 'node:fs';

const [, , overlayUrl, pageUrl, file, marker] = process.argv;
if (!marker) {
  console.error('usage: node serve.mjs OVERLAY_URL PAGE_URL FILE MARKER');
  process.exit(2);
}
const browser = await launch();
const out = { csp: [], overlay: null, overlay_on_clean_page: null, loads: 0, reloaded: false };
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) out.csp.push(m.text()); });

  await page.goto(overlayUrl, { waitUntil: 'load' });
  const box = await page.waitForSelector('#laman-overlay', { timeout: 15000 });
  out.overlay = await box.textContent();

  // The stream is open once its response has arrived.
  const stream = page.waitForResponse((r) => r.url().endsWith('/__laman/events'), { timeout: 15000 });
  await page.goto(pageUrl, { waitUntil: 'load' });
  await stream;
  // overlay.js has run when its findings request has been answered.
  await page.waitForLoadState('networkidle').catch(() => {});
  out.overlay_on_clean_page = await page.$('#laman-overlay') !== null;
  page.on('load', () => { out.loads += 1; });
  fs.appendFileSync(file, `\n${marker}\n`);
  await page.waitForFunction((m) => document.body && document.body.textContent.includes(m),
    marker, { timeout: 20000, polling: 50 });
  out.reloaded = true;
} finally {
  await browser.close();
}
console.log(JSON.stringify(out, null, 2));
