// Types each query into the real search page (its own form, its own
// script and index) in Debian's chromium and records the results in order.
// Prints one JSON array: {query, status, results: [{url, title, marked}]}.
//
// usage: node cari.mjs SEARCH_PAGE_URL QUERY...
import { launch } from './launch.mjs';

const [, , url, ...queries] = process.argv;
if (!url || queries.length === 0) {
  console.error('usage: node cari.mjs SEARCH_PAGE_URL QUERY...');
  process.exit(2);
}
const browser = await launch();
const report = [];
try {
  const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: 'load' });
  for (const query of queries) {
    await page.fill('#q', '');
    await page.fill('#q', query);
    await page.press('#q', 'Enter');
    // The status line names the query once its results are in the list.
    await page.waitForFunction((q) => {
      const s = document.getElementById('status-cari').textContent;
      return s.includes('“' + q + '”');
    }, query, { timeout: 10000 });
    const status = await page.textContent('#status-cari');
    const results = await page.$$eval('#daftar-hasil > li', (lis) => lis.slice(0, 5).map((li) => ({
      url: new URL(li.querySelector('a').href).pathname,
      title: li.querySelector('a').textContent,
      marked: [...li.querySelectorAll('mark')].map((m) => m.textContent),
    })));
    report.push({ query, status, results });
  }
  report.push({ page_errors: errors });
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
