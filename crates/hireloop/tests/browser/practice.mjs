// The practice loop in a real browser: sign up, start a loop, answer, read the feedback, and
// reload in the middle of an answer to find the draft. Usage: node practice.mjs BASE_URL [SHOTS_DIR]
import { chromium } from 'playwright-core';

const base = process.argv[2];
const shots = process.argv[3];
if (!base) {
  console.error('usage: node practice.mjs BASE_URL [SHOTS_DIR]');
  process.exit(2);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const shot = async (name) => {
    if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
  };

  // Sign up.
  await page.goto(base + '/');
  await shot('landing');
  await page.click('text=Start practising');
  await page.fill('#name', 'Ada Lovelace');
  await page.fill('#email', `ada-${Date.now()}@example.com`);
  await page.fill('#password', 'correct horse battery');
  await page.click('form button[type=submit]');
  await page.waitForURL('**/practice');
  check((await page.textContent('h1')).includes('Ada Lovelace'), 'dashboard greets the user');
  await shot('practice');

  // Start a loop at P7, international, English.
  await page.selectOption('#level', 'P7');
  await page.selectOption('#region', 'international');
  await page.click('#new-loop button[type=submit]');
  await page.waitForURL(/\/loops\/[0-9a-f]+$/);
  const loopUrl = page.url();
  check((await page.textContent('h1')).includes('P7'), 'the loop is at P7');
  await shot('loop');

  // The resume: paste, submit, read the feedback.
  await page.click('text=Begin');
  await page.waitForSelector('textarea#answer');
  check(await page.isVisible('time.clock'), 'the round shows its clock');
  await page.fill('#answer', 'Product manager at Taobao, 2019-2024. Led the redesign of merchant ' +
    'onboarding and owned its roadmap; activated merchants grew 35% (from 20k to 27k a month). ' +
    'Launched a live-commerce feature used by 2 million buyers a day.');
  await page.selectOption('#self_rating', '3');
  await page.click('button[value=submit]');
  await page.waitForSelector('#feedback');
  const feedback = await page.textContent('#feedback');
  check(feedback.includes('/ 4'), 'the feedback shows an overall score');
  check(feedback.includes('Ownership'), 'the feedback scores each dimension');
  check(await page.isVisible('.answer-text mark'), 'evidence is highlighted in the answer');
  await shot('feedback');

  // Go to the product design round and write part of an answer.
  await page.goto(loopUrl);
  const design = page.locator('.rounds li', { hasText: 'Product design' }).locator('a');
  await design.click();
  await page.waitForSelector('textarea#answer');
  const draft = 'Start from the two sides of the marketplace: buyers want trust, merchants want ' +
    'traffic they can convert. I would segment first-time sellers by category';
  await page.fill('#answer', draft);
  await page.waitForFunction(() => document.querySelector('#saved').textContent.includes('Draft saved'),
    null, { timeout: 10000 });
  await shot('item-draft');

  // Reload mid-answer: the draft is still there, from the server.
  await page.reload();
  await page.waitForSelector('textarea#answer');
  check((await page.inputValue('#answer')) === draft, 'the draft survives a reload');

  // Submit it and see the coach's view with follow-up probes.
  await page.click('button[value=submit]');
  await page.waitForSelector('#feedback');
  check((await page.textContent('#feedback')).includes('follow up'), 'probes are shown');
  await shot('feedback-open');

  // The report so far.
  await page.goto(loopUrl + '/report');
  check((await page.textContent('main')).includes('Stage by stage'), 'the report renders');
  await shot('report');
  console.log('browser test passed');
} finally {
  await browser.close();
}
