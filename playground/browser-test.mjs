// The playground in a real browser, offline: starts the agora binary on a free port with the demo
// data, opens /playground in headless Chromium (Debian's, never a downloaded one) with every
// request to another host blocked, runs the Products example and, signed in with the helper, the
// Me example, checks that no request left for another host, and saves a screenshot.
//
//   AGORA_BIN=target/debug/agora CHROMIUM=/usr/bin/chromium SCREENSHOT=target/playground.png \
//     node playground/browser-test.mjs
//
// Prints "N passed, N failed" and exits non-zero on failure.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const bin = resolve(process.env.AGORA_BIN || 'target/debug/agora');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const screenshot = resolve(process.env.SCREENSHOT || 'target/playground.png');
const TIMEOUT = 60_000;

const freePort = () =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });

async function waitReady(base, server) {
  const deadline = Date.now() + TIMEOUT;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`agora exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('agora did not become ready');
}

const results = [];
async function check(name, fn) {
  try {
    await fn();
    results.push([name, true]);
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push([name, false]);
    console.log(`FAIL ${name}: ${e.message}`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'agora-playground-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AGORA_') && k !== 'DATABASE_URL'));
const server = spawn(bin, ['serve'], {
  cwd: dir,
  env: { ...env, AGORA_SERVER__PORT: String(port), RUST_LOG: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
let browser;
try {
  await waitReady(base, server);
  const email = 'ann@example.com';
  const password = 'a long and unusual passphrase';
  const registered = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($input: AccountRegisterInput!) { accountRegister(input: $input) { user { id } userErrors { code } } }',
      variables: { input: { email, password } },
    }),
  }).then((r) => r.json());
  if (!registered.data?.accountRegister?.user) throw new Error(`register: ${JSON.stringify(registered)}`);

  browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.setDefaultTimeout(TIMEOUT);
  const requested = [];
  const blocked = [];
  const problems = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    requested.push(url);
    if (url.startsWith(`${base}/`) || url.startsWith(`ws://127.0.0.1:${port}/`)) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));

  const response = page.locator('.graphiql-response');
  const run = async () => {
    await page.locator('.graphiql-execute-button').click();
  };
  const openExample = async (group, path) => {
    const examples = page.getByRole('button', { name: 'Show Examples' });
    if (await examples.count()) await examples.click();
    const button = page.locator(`button[data-operation="${path}"]`);
    if (!(await button.isVisible())) await page.locator('summary', { hasText: group }).click();
    // A DOM click: the list scrolls inside GraphiQL's pane, where Playwright's viewport check
    // sometimes misjudges the button's position.
    await button.dispatchEvent('click');
  };

  await check('the playground loads from the server alone', async () => {
    await page.goto(`${base}/playground`);
    await page.locator('.graphiql-container').waitFor();
    await page.locator('button[data-operation="catalog/Products.graphql"]').waitFor();
  });

  await check('the Products example runs', async () => {
    await openExample('catalog', 'catalog/Products.graphql');
    await page.locator('.graphiql-query-editor').getByText('query Products').waitFor();
    await run();
    await response.getByText('"totalCount"').first().waitFor();
    await response.getByText('"edges"').first().waitFor();
  });

  await check('the sign-in helper puts a bearer token in the headers, and Me runs signed in', async () => {
    await page.getByRole('button', { name: 'Show Sign in' }).click();
    await page.locator('.agora-signin input[name=email]').fill(email);
    await page.locator('.agora-signin input[name=password]').fill(password);
    await page.locator('.agora-signin button[type=submit]').click();
    await page.getByText(`Signed in as ${email}`).first().waitFor();
    await openExample('accounts', 'accounts/Me.graphql');
    await page.locator('.graphiql-query-editor').getByText('query Me').waitFor();
    await run();
    await response.getByText(`"email": "${email}"`).first().waitFor();
  });

  await check('no request left for another host, and no error in the console', async () => {
    const foreign = requested.filter((u) => !u.startsWith(`${base}/`) && !u.startsWith('data:'));
    if (foreign.length || blocked.length) throw new Error(`requests to other hosts: ${[...foreign, ...blocked].join(', ')}`);
    if (problems.length) throw new Error(`console errors: ${problems.join(' | ')}`);
  });

  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);
} catch (e) {
  results.push(['setup', false]);
  console.log(`FAIL setup: ${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
  rmSync(dir, { recursive: true, force: true });
}
const failed = results.filter(([, ok]) => !ok).length;
console.log(`playground: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
