// Opens an old permalink (an alias) in Debian's chromium and waits until the
// browser has landed on the page the alias points at. Records CSP
// violations. Prints one JSON object: the final URL and the page's <h1>.
//
// usage: node alias.mjs OLD_URL EXPECTED_PATH
import { launch } from './launch.mjs';

const [, , oldUrl, expected] = process.argv;
if (!expected) {
  console.error('usage: node alias.mjs OLD_URL EXPECTED_PATH');
  process.exit(2);
}
const browser = await launch();
const out = { url: null, h1: null, csp: [] };
try {
  const page = await browser.newPage();
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) out.csp.push(m.text()); });
  await page.goto(oldUrl, { waitUntil: 'load' });
  await page.waitForURL((u) => u.pathname === expected, { timeout: 20000, waitUntil: 'load' });
  out.url = page.url();
  out.h1 = (await page.textContent('h1'))?.trim() ?? null;
} finally {
  await browser.close();
}
console.log(JSON.stringify(out, null, 2));
