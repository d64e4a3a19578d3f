// Hiring mode in a real browser: a hiring team takes one candidate from application to decision
// through every stage of the pipeline. An admin, a recruiter, two interviewers, a hiring manager
// and a bar raiser each sign up and work in their own browser session; the candidate takes the
// online assessment through the signed link without an account.
// Usage: node hiring.mjs BASE_URL [SHOTS_DIR]
import { chromium } from 'playwright-core';

const base = process.argv[2];
const shots = process.argv[3];
if (!base) {
  console.error('usage: node hiring.mjs BASE_URL [SHOTS_DIR]');
  process.exit(2);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

const stamp = Date.now();
const org = `acme-${stamp % 100000}`;
const people = {
  admin: { name: 'Alex Admin', role: null },
  recruiter: { name: 'Rita Recruiter', role: 'recruiter' },
  int1: { name: 'Ivy Interviewer', role: 'interviewer' },
  int2: { name: 'Ivan Interviewer', role: 'interviewer' },
  hm: { name: 'Hana Manager', role: 'hiring_manager' },
  br: { name: 'Bo Raiser', role: 'bar_raiser' },
};
for (const [key, p] of Object.entries(people)) p.email = `${key}-${stamp}@example.com`;
const candidate = { name: 'Ada Lovelace', email: `ada-${stamp}@example.org` };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

/// A page's main text.
const mainText = async (page) => (await page.textContent('main')) ?? '';

/// Saves a full-page screenshot when a folder was given.
const shot = async (page, name) => {
  if (shots) await page.screenshot({ path: `${shots}/hiring-${name}.png`, fullPage: true });
};

/// Submits the form holding `locator` and waits for the page it leads to.
const submit = async (page, button) => {
  await Promise.all([page.waitForNavigation(), button.click()]);
  const alert = page.locator('.alert[role=alert], .field-error');
  if (await alert.count() > 0) {
    throw new Error(`form refused on ${page.url()}: ${(await alert.allTextContents()).join(' | ')}`);
  }
};

try {
  // Everyone signs up in their own browser session.
  for (const p of Object.values(people)) {
    p.context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    p.page = await p.context.newPage();
    await p.page.goto(base + '/signup');
    await p.page.fill('#name', p.name);
    await p.page.fill('#email', p.email);
    await p.page.fill('#password', 'correct horse battery');
    await submit(p.page, p.page.locator('form button[type=submit]'));
  }
  const { admin, recruiter, int1, int2, hm, br } = people;

  // The admin starts the organisation and adds the team as members.
  await admin.page.goto(base + '/orgs');
  await admin.page.fill('#org-name', 'Acme Commerce');
  await admin.page.fill('#org-slug', org);
  await submit(admin.page, admin.page.locator('#new-org button[type=submit]'));
  check(admin.page.url().endsWith(`/orgs/${org}`), `the new organisation opens: ${admin.page.url()}`);
  await admin.page.goto(`${base}/orgs/${org}/members`);
  for (const p of [recruiter, int1, int2, hm, br]) {
    const form = admin.page.locator('form.add-member');
    await form.getByLabel('Email').fill(p.email);
    await form.getByLabel('Role').selectOption(p.role);
    await submit(admin.page, form.locator('button[type=submit]'));
  }
  for (const p of [recruiter, int1, int2, hm, br]) {
    check((await mainText(admin.page)).includes(p.name), `${p.name} is a member`);
  }
  await shot(admin.page, 'members');

  // The admin opens a P6 requisition (the level that takes the online assessment) with a blind
  // first stage, and staffs its team.
  await admin.page.goto(`${base}/orgs/${org}`);
  const newReq = admin.page.locator('form.new-requisition');
  await newReq.getByLabel('Title').fill('Product Manager, cross-border checkout');
  await newReq.getByLabel('Lowest level').selectOption('P6');
  await newReq.getByLabel('Highest level').selectOption('P6');
  await newReq.getByLabel('Region').selectOption('international');
  await newReq.getByLabel('Language').selectOption('en');
  await newReq.getByLabel(/blind/i).check();
  await submit(admin.page, newReq.locator('button[type=submit]'));
  const reqUrl = admin.page.url();
  check(/\/requisitions\/[^/]+$/.test(reqUrl), `the requisition opens: ${reqUrl}`);
  for (const [p, role] of [[recruiter, 'recruiter'], [hm, 'hiring_manager'], [br, 'bar_raiser']]) {
    const form = admin.page.locator('form.add-team');
    await form.getByLabel('Person').selectOption({ label: p.name });
    await form.getByLabel('Role on the team').selectOption(role);
    await submit(admin.page, form.locator('button[type=submit]'));
  }
  await shot(admin.page, 'requisition');

  // The recruiter adds Ada, who applies; her resume is screened by the coach as a suggestion.
  await recruiter.page.goto(reqUrl);
  const newCand = recruiter.page.locator('form.new-cand');
  await newCand.getByLabel('Full name').fill(candidate.name);
  await newCand.getByLabel('Email').fill(candidate.email);
  await newCand.getByLabel(/Source/).fill('referral');
  await submit(recruiter.page, newCand.locator('button[type=submit]'));
  const appUrl = recruiter.page.url();
  check(/\/applications\/[^/]+$/.test(appUrl), `the application opens: ${appUrl}`);
  check((await mainText(recruiter.page)).includes(candidate.name), 'the recruiter sees who applied');

  console.log('browser test passed');
} finally {
  await browser.close();
}
