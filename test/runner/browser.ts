// Debian's chromium driven by playwright-core; Playwright never downloads a browser here.
import { chromium, type Browser, type ConsoleMessage } from 'playwright-core';

// Without the background-networking flags chromium keeps dialing hosts this machine cannot reach.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: process.env.CIE_HEADED !== '1', args: CHROMIUM_ARGS });
}

/**
 * The workbench's own log lines that say nothing about our extension (offline gallery and GitHub
 * sign-in, chat and agent-host chatter, connection set-up). Extension-host output (mocha's
 * reporter, tests' console.log) arrives through the same log service, so it is a deny list.
 */
const NOISE = [
  /^\[(AgentHost|AgentHost:remote|ChatModelSelection|AccountPolicyGate|reconnection-grace-time)\]/,
  /^(Resolving|Resolved) connection token/, /^Creating a socket/, /(Ignoring fetching|Updating) additional builtin extensions/,
  /^deferring authentication/, /^Creation of workbench contribution/, /Failed to load resource/, /ServiceWorker|A bad HTTP response code/,
  /Timed out waiting for authentication provider/, /Long running operations during shutdown/, /\(Canceled: Canceled\)|^Canceled: Canceled/, /same-origin iframe|allow-scripts and allow-same-origin/,
  /ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED|marketplace|extensionGallery/i,
];

/** `%c INFO color: #33f text` (the workbench console logger's styling) -> `text`; ERR/WARN keep their level. */
export function consoleText(message: ConsoleMessage): string {
  const styled = message.text().match(/^%c\s*(INFO|WARN|ERR|TRACE|DEBUG) color: #[0-9a-f]+ ?(.*)$/s);
  if (!styled) return message.text();
  return styled[1] === 'INFO' ? styled[2] : `[${styled[1]}] ${styled[2]}`;
}

/** True for lines worth echoing: all but known workbench noise, or everything with CIE_VERBOSE=1. */
export function isInteresting(message: ConsoleMessage): boolean {
  if (process.env.CIE_VERBOSE === '1') return true;
  if (message.type() === 'debug') return false;
  const text = consoleText(message).replace(/^\[(WARN|ERR)\] /, '');
  return !NOISE.some((pattern) => pattern.test(text));
}
