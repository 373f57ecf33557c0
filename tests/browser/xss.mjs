// Opens one URL in Debian's chromium (never a downloaded browser) and reports
// whether any script of the page ran (`window.pwned` set by the test's
// vectors) and every Content-Security-Policy violation, so the test can tell
// "the sanitizer removed it" from "the CSP had to block it". Saves a
// screenshot beside the accessibility ones. Prints one JSON object.
//
// usage: node xss.mjs URL [SCREENSHOT]
import { launch } from './launch.mjs';

const [, , url, shot] = process.argv;
if (!url) {
  console.error('usage: node xss.mjs URL [SCREENSHOT]');
  process.exit(2);
}
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const csp = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
  // Injected over DevTools: the page's CSP does not apply to it.
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation',
      (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  // Media errors, focus and toggle events fire after load; wait until the
  // network has been quiet (a state, not a sleep).
  await page.waitForLoadState('networkidle');
  // Links that were rewritten must not run anything when followed either.
  for (const a of await page.$$('main a[href="#"]')) {
    await a.click();
  }
  const pwned = await page.evaluate(() => (window.pwned === undefined ? null : window.pwned));
  const events = await page.evaluate(() => window.__csp);
  if (shot) await page.screenshot({ path: shot, fullPage: true });
  console.log(JSON.stringify({
    status: response ? response.status() : 0,
    pwned,
    csp: [...csp, ...events],
    title: await page.title(),
  }));
} finally {
  await browser.close();
}
