/**
 * Headless Chromium for the browser tests: the OS's own (Debian's `chromium` package), driven by
 * playwright-core, which downloads no browser. A machine without it skips the browser tests and
 * says so, unless EPOCHSIM_REQUIRE_BROWSER=1 (as CI sets it), under which a missing Chromium is a
 * failure. EPOCHSIM_CHROMIUM names another executable.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env['EPOCHSIM_CHROMIUM'] ?? '/usr/bin/chromium';
export const REQUIRED = process.env['EPOCHSIM_REQUIRE_BROWSER'] === '1';
export const AVAILABLE = existsSync(CHROMIUM);

/** Where the tests leave their pages and screenshots (git ignores it). */
export const OUTPUT = 'test-output';

/**
 * The flags a closed network needs (without them Chromium waits on the network services it
 * starts); playwright gives each launch a fresh profile folder of its own.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
}

/**
 * `describe` when Chromium is there; else a skipped block, with a message that says why — or,
 * under EPOCHSIM_REQUIRE_BROWSER=1, a failing test.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (AVAILABLE) {
    describe(name, body);
    return;
  }
  if (REQUIRED) {
    test(`${name}: Chromium is there`, () => {
      throw new Error(`no Chromium at ${CHROMIUM}, and EPOCHSIM_REQUIRE_BROWSER=1: install Debian's chromium package (apt-get install chromium)`);
    });
    return;
  }
  console.warn(`SKIPPED: the browser tests "${name}": no Chromium at ${CHROMIUM} (apt-get install chromium runs them; EPOCHSIM_REQUIRE_BROWSER=1 makes this a failure)`);
  describe.skip(name, body);
}
