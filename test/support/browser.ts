/**
 * The real browser the browser tests drive: Debian's Chromium (never a downloaded one; `.ci/run` installs it), through
 * playwright-core. Missing, the tests fail in CI and are skipped with the reason elsewhere (tools.ts).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { probe, testWithTool, type ToolProbe } from './tools';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const chromiumProbe: ToolProbe = existsSync(CHROMIUM)
  ? probe('chromium', CHROMIUM, ['--headless', '--no-sandbox', '--version'])
  : { name: 'chromium', ok: false, reason: `${CHROMIUM} does not exist` };

export const browserTest = testWithTool(chromiumProbe, 'Install it with `apt-get install -y chromium` (CHROMIUM=... picks another binary).');

/** Headless, as root, offline: no sandbox (root), and none of the background calls home this closed network refuses. */
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A browser, or undefined where there is none (the tests themselves are then skipped, or failed in CI). */
export async function launchChromium(): Promise<Browser | undefined> {
  return chromiumProbe.ok ? chromium.launch({ executablePath: CHROMIUM, args: ARGS }) : undefined;
}
