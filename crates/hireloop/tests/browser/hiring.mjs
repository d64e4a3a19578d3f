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

/// Says where the walk is, so a failure's output shows how far it got.
function step(what) {
  console.log(`step: ${what}`);
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
  const label = (await button.textContent({ timeout: 10000 }).catch(() => '?'))?.trim();
  try {
    await Promise.all([page.waitForNavigation({ timeout: 15000 }), button.click({ timeout: 15000 })]);
  } catch (e) {
    throw new Error(`pressing "${label}" on ${page.url()} led nowhere: ${e.message.split('\n')[0]}`);
  }
  const alert = page.locator('.alert[role=alert], .field-error');
  if (await alert.count() > 0) {
    throw new Error(`form refused on ${page.url()}: ${(await alert.allTextContents()).join(' | ')}`);
  }
};

try {
  step('sign up');
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

  step('organisation and members');
  // The admin starts the organisation and adds the team as members.
  await admin.page.goto(base + '/orgs');
  await admin.page.fill('#org-name', 'Acme Commerce');
  await admin.page.fill('#org-slug', org);
  await submit(admin.page, admin.page.locator('#new-org button[type=submit]'));
  check(admin.page.url().endsWith(`/orgs/${org}`), `the new organisation opens: ${admin.page.url()}`);
  const orgUrl = `${base}/orgs/${org}`;
  await admin.page.goto(`${orgUrl}/members`);
  for (const p of [recruiter, int1, int2, hm, br]) {
    const form = admin.page.locator('#add form');
    await form.getByLabel('Email').fill(p.email);
    await form.getByLabel('Role').selectOption(p.role);
    await submit(admin.page, form.locator('button[type=submit]'));
  }
  for (const p of [recruiter, int1, int2, hm, br]) {
    check((await mainText(admin.page)).includes(p.name), `${p.name} is a member`);
  }
  await shot(admin.page, 'members');

  step('requisition and team');
  // The admin opens a P6 requisition (the level that takes the online assessment) with a blind
  // first stage, and staffs its team.
  await admin.page.goto(orgUrl);
  const newReq = admin.page.locator('#new-req form');
  await newReq.getByLabel('Title').fill('Product Manager, cross-border checkout');
  await newReq.getByLabel('Lowest level').selectOption('P6');
  await newReq.getByLabel('Highest level').selectOption('P6');
  await newReq.getByLabel('Region').selectOption('international');
  await newReq.getByLabel('Interview language').selectOption('en');
  await newReq.getByLabel(/Blind first stage/).check();
  await submit(admin.page, newReq.locator('button[type=submit]'));
  const reqUrl = admin.page.url();
  check(/\/requisitions\/[^/#]+$/.test(reqUrl), `the requisition opens: ${reqUrl}`);
  for (const [p, role] of [[recruiter, 'recruiter'], [hm, 'hiring_manager'], [br, 'bar_raiser']]) {
    const form = admin.page.locator('form.team-add');
    await form.getByLabel('Member').selectOption({ label: p.name });
    await form.getByLabel('Team role').selectOption(role);
    await submit(admin.page, form.locator('button[type=submit]'));
  }
  await shot(admin.page, 'requisition');

  step('application');
  // The recruiter adds Ada, who applies.
  await recruiter.page.goto(reqUrl);
  const newCand = recruiter.page.locator('form.new-cand');
  await newCand.getByLabel('Full name').fill(candidate.name);
  await newCand.getByLabel('Email').fill(candidate.email);
  await newCand.getByLabel(/Source/).fill('referral');
  await submit(recruiter.page, newCand.locator('button[type=submit]'));
  const appUrl = recruiter.page.url().replace(/#.*$/, '');
  check(/\/applications\/[^/]+$/.test(appUrl), `the application opens: ${appUrl}`);
  check((await mainText(recruiter.page)).includes(candidate.name), 'the recruiter sees who applied');

  step('scheduling');
  // The recruiter schedules every round of the P6 loop with its panel, least loaded first on the
  // form; two interviewers share the product design round.
  const panels = [
    ['resume-review', [recruiter]],
    ['assessment', [recruiter]],
    ['recruiter-call', [recruiter]],
    ['product-design', [int1, int2]],
    ['product-data', [int2]],
    ['cross-functional', [int1]],
    ['bar-raiser', [br]],
  ];
  const roundNames = await recruiter.page.locator('#sch-round option').evaluateAll(
    (os) => os.map((o) => o.value));
  check(JSON.stringify(roundNames.slice().sort()) === JSON.stringify(panels.map((p) => p[0]).sort()),
    `the P6 loop has the expected rounds: ${roundNames}`);
  const day = 86400000;
  const at = (offsetDays, hour) => {
    const d = new Date(Math.floor(Date.now() / day) * day + offsetDays * day + hour * 3600000);
    return d.toISOString().slice(0, 16);
  };
  for (const [i, [round, panel]] of panels.entries()) {
    const form = recruiter.page.locator('form.schedule-form');
    await recruiter.page.locator('details.schedule summary').click();
    await form.getByLabel('Round').selectOption(round);
    await form.getByLabel(/^Starts/).fill(at(1 + i, 9));
    await form.getByLabel(/^Ends/).fill(at(1 + i, 10));
    await form.getByLabel(/Video link/).fill('https://meet.example.com/acme-' + round);
    for (const p of panel) await form.getByLabel(p.name, { exact: false }).check();
    await submit(recruiter.page, form.locator('button[type=submit]'));
  }
  const interviews = recruiter.page.locator('#interviews tbody tr:not(.iv-more)');
  check(await interviews.count() === panels.length, 'every round is on the schedule');
  await shot(recruiter.page, 'application-scheduled');

  step('reschedule');
  // A reschedule needs a reason and keeps the history.
  const dataRow = recruiter.page.locator('#interviews tr', { hasText: 'Data and metrics' }).first();
  const moreId = await dataRow.evaluate((row) => row.nextElementSibling?.id ?? '');
  const more = recruiter.page.locator(`#${moreId}`);
  await more.locator('summary', { hasText: 'Reschedule' }).click();
  await more.getByLabel(/New start/).fill(at(6, 14));
  await more.getByLabel(/New end/).fill(at(6, 15));
  await more.getByLabel(/Why it moves/).fill('The interviewer is travelling that morning');
  await submit(recruiter.page, more.locator('button', { hasText: 'Move the interview' }));
  check((await mainText(recruiter.page)).includes('The interviewer is travelling that morning'),
    'the reschedule is kept in the history');

  step('blind view');
  // Blind first stage: an interviewer on the panel sees an alias, not Ada's name.
  await int1.page.goto(orgUrl);
  const int1Home = await mainText(int1.page);
  check(int1Home.includes('Product design'), 'the interviewer sees the interview on their home');
  check(!int1Home.includes(candidate.name), 'the blind first stage hides the name from interviewers');
  await shot(int1.page, 'interviewer-home');

  /// Fills and submits every scorecard `person` owes for this application, rating each
  /// dimension `rating` with the recommendation `rec`.
  const scoreAll = async (person, rating, rec) => {
    await person.page.goto(appUrl);
    const links = await person.page.locator('a', { hasText: 'Your scorecard' }).evaluateAll(
      (as) => as.map((a) => a.href));
    check(links.length > 0, `${person.name} has a scorecard to write`);
    for (const link of links) {
      await person.page.goto(link);
      const form = person.page.locator('form', { has: person.page.locator('#summary') });
      if (await form.count() === 0) continue; // already submitted
      for (const dim of await form.locator('fieldset.dim').all()) {
        await dim.locator(`input[type=radio][value="${rating}"]`).check();
        if (rating === 1 || rating === 4) {
          await dim.locator('textarea').fill('Concrete evidence from the interview, with numbers quoted.');
        }
      }
      await form.locator(`#rec-${rec}`).check();
      await form.locator('#summary').fill('Clear structure, owned the trade-offs and quantified the impact.');
      await submit(person.page, form.locator('button[value=submit]'));
      check((await mainText(person.page)).includes('Submitted') ||
        (await mainText(person.page)).includes('submitted'), `${person.name}'s scorecard is in`);
    }
  };

  /// The recruiter moves the application to the stage `id`, called `stage`.
  const moveTo = async (id, stage) => {
    await recruiter.page.goto(appUrl);
    await recruiter.page.locator('#move-stage').selectOption(id);
    await submit(recruiter.page, recruiter.page.locator('form', { has: recruiter.page.locator('#move-stage') })
      .locator('button[type=submit]'));
    check((await recruiter.page.textContent('.roundhead')).includes(stage), `the application is at ${stage}`);
  };

  step('resume screening');
  // Resume screening: the recruiter scores the resume review.
  await scoreAll(recruiter, 3, 'yes');
  await moveTo('online-assessment', 'Online assessment');

  step('online assessment');
  // The online assessment: the recruiter issues the signed link; Ada takes the timed test
  // without an account; answers are autosaved and survive a reload; the result reaches the team.
  await recruiter.page.goto(appUrl);
  await submit(recruiter.page, recruiter.page.locator('#assessment button[type=submit]'));
  const link = await recruiter.page.locator('#assessment input.link-field').first().inputValue();
  check(link.includes('/assess/'), `the link is shown: ${link}`);
  const ada = await (await browser.newContext({ viewport: { width: 1000, height: 900 } })).newPage();
  await ada.goto(link.startsWith('http') ? link : base + link);
  await shot(ada, 'assessment-intro');
  await Promise.all([ada.waitForNavigation(), ada.click('text=Start the assessment')]);
  check(await ada.isVisible('time.clock'), 'the assessment shows its clock');
  const items = ada.locator('fieldset.assess-item');
  const count = await items.count();
  check(count > 0, 'the assessment has items');
  for (const item of await items.all()) {
    const radio = item.locator('input[type=radio]').first();
    if (await radio.count() > 0) await radio.check();
    else await item.locator('input').first().fill('42');
  }
  await ada.waitForFunction(() => /saved/i.test(document.querySelector('#assess-saved')?.textContent ?? ''),
    null, { timeout: 10000 });
  await ada.reload();
  const checked = await ada.locator('fieldset.assess-item input[type=radio]:checked').count();
  const radios = await ada.locator('fieldset.assess-item').filter({ has: ada.locator('input[type=radio]') }).count();
  check(checked === radios, `answers survive a reload (${checked} of ${radios})`);
  await shot(ada, 'assessment-running');
  await Promise.all([ada.waitForNavigation(), ada.click('text=Submit the assessment')]);
  check((await mainText(ada)).includes('Your answers are in'), 'the assessment is submitted');
  await recruiter.page.goto(appUrl);
  check(/submitted/i.test(await recruiter.page.textContent('#assessment')), 'the team sees the result');
  await scoreAll(recruiter, 3, 'yes');
  await moveTo('recruiter-screen', 'Recruiter / peer screen');

  step('interview rounds');
  // The recruiter screen, then the product rounds with both interviewers, cross-functional, and
  // the bar raiser's culture-fit round.
  await scoreAll(recruiter, 3, 'yes');
  await moveTo('product-rounds', 'Technical product rounds');
  await scoreAll(int1, 3, 'yes');
  await scoreAll(int2, 4, 'strong_yes');
  await moveTo('cross-functional', 'Cross-functional round');
  await scoreAll(int1, 3, 'yes');
  await moveTo('culture-fit', 'Culture fit');
  await scoreAll(br, 3, 'yes');
  await shot(br.page, 'bar-raiser-scorecard');

  step('debrief');
  // The debrief: the hiring manager sees who said what and records the mechanical result.
  await hm.page.goto(appUrl + '/debrief');
  await shot(hm.page, 'debrief');
  const debrief = await mainText(hm.page);
  for (const p of [int1, int2, br]) check(debrief.includes(p.name), `the debrief shows ${p.name}`);
  await hm.page.locator('form.decide-form input[name=override_decision][value=""]').check();
  await submit(hm.page, hm.page.locator('form.decide-form button[type=submit]'));
  check((await mainText(hm.page)).includes('Decision recorded: hire'), 'the decision is recorded');

  step('offer');
  // The offer: the recruiter proposes above the band; the hiring manager approves it with a
  // reason; the candidate accepts and the hiring manager marks the hire.
  await recruiter.page.goto(appUrl);
  const offer = recruiter.page.locator('form.offer-form');
  await offer.getByLabel('Yearly amount').fill('9000000');
  await submit(recruiter.page, offer.locator('button[type=submit]'));
  check((await recruiter.page.textContent('#offers')).includes('needs approval'), 'the offer needs approval');
  await hm.page.goto(appUrl);
  const approve = hm.page.locator('form.approve-form');
  await approve.locator('textarea').fill('Competing offer from a peer company; matched within policy.');
  await submit(hm.page, approve.locator('button[type=submit]'));
  check((await hm.page.textContent('#offers')).includes('approved'), 'the offer is approved');
  for (const status of ['sent', 'accepted']) {
    await recruiter.page.goto(appUrl);
    await recruiter.page.locator('form.offer-status select').selectOption(status);
    await submit(recruiter.page, recruiter.page.locator('form.offer-status button[type=submit]'));
    check((await recruiter.page.textContent('#offers')).includes(status), `the offer is ${status}`);
  }
  step('hire');
  // Marking the hire belongs to whoever decides: the recruiter is not offered it.
  check(await recruiter.page.locator('button', { hasText: 'Mark hired' }).count() === 0,
    'the recruiter cannot mark the hire');
  await hm.page.goto(appUrl);
  await hm.page.locator('summary', { hasText: 'Close the application' }).click();
  await submit(hm.page, hm.page.locator('button', { hasText: 'Mark hired' }));
  check(/hired/.test(await hm.page.textContent('.roundhead')), 'Ada is hired');
  await shot(hm.page, 'application-hired');

  step('reports and audit');
  // The record: reports count her, and the audit chain verifies.
  await hm.page.goto(reqUrl + '/reports');
  await shot(hm.page, 'reports');
  check((await hm.page.locator('svg').count()) > 0, 'the reports draw their charts');
  await admin.page.goto(`${orgUrl}/audit`);
  await shot(admin.page, 'audit');
  check(/verif/i.test(await mainText(admin.page)), 'the audit chain is verified');

  console.log('browser test passed');
} catch (e) {
  // What each person was looking at when it failed.
  for (const [key, p] of Object.entries(people)) {
    if (!p.page) continue;
    console.log(`--- ${key} at ${p.page.url()}`);
    if (shots) await p.page.screenshot({ path: `${shots}/hiring-failed-${key}.png`, fullPage: true });
  }
  throw e;
} finally {
  await browser.close();
}
