// Starts Debian's chromium (never a downloaded browser) the way every
// browser test needs it on these machines: headless, no sandbox (root), and
// without the background connections the closed network refuses.
import { chromium } from 'playwright-core';

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
