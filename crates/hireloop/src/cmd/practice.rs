//! `hireloop practice`: the practice loop in the terminal, line by line, on the same database as
//! the web app, so a loop started in one can be continued in the other.
//!
//! Every operation goes through `hireloop_web::service`, the code the pages and the API run:
//! starting a loop, round clocks, autosaved drafts, grading, spaced repetition and reports.

mod render;
mod session;
mod term;

use std::future::Future;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, ValueEnum};
use hireloop_core::content::Content;
use hireloop_practice::{LoopReport, PracticeError, PracticeSetup};
use hireloop_store::{Backend, LoopKind, LoopStatus, NewUser, Store, StoreOptions, User};
use hireloop_web::service::{self, LoopState};
use hireloop_web::{AppState, Settings, WebError};

use super::serve::{DbArg, database_url};
use crate::input::{emit, emit_err};
use term::Input;

/// The pipeline practised when `--pipeline` is not given.
const DEFAULT_PIPELINE: &str = "alibaba-pm";
/// How many loops `--list` shows.
const LIST_LIMIT: i64 = 100;

/// Output format of a practice report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Readable text.
    Text,
    /// The report as JSON (a stable contract).
    Json,
    /// Markdown, to keep or share.
    Markdown,
}

/// Arguments of `hireloop practice`.
#[derive(Debug, Args)]
pub struct PracticeArgs {
    #[command(flatten)]
    pub db: DbArg,
    /// Your account's email address. The password comes from HIRELOOP_PASSWORD, or is asked for.
    #[arg(long, value_name = "EMAIL")]
    pub email: String,
    /// Your name: creates the account when no account has this email address.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Pipeline of a new loop.
    #[arg(long, value_name = "ID", default_value = DEFAULT_PIPELINE)]
    pub pipeline: String,
    /// Level applied for in a new loop (P5–P10); the pipeline's default when absent.
    #[arg(long)]
    pub level: Option<String>,
    /// Region of a new loop (china or international); the pipeline's default when absent.
    #[arg(long)]
    pub region: Option<String>,
    /// Language of the prompts of a new loop: en or zh (default en).
    #[arg(long)]
    pub language: Option<String>,
    /// Fixes the questions a new loop draws: the same seed and setup draw the same loop.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Continue this loop instead of your latest running one.
    #[arg(long = "loop", value_name = "ID", conflicts_with = "new")]
    pub loop_id: Option<String>,
    /// Start a new loop even when one is running.
    #[arg(long)]
    pub new: bool,
    /// List your loops and exit.
    #[arg(long, conflicts_with_all = ["loop_id", "new", "report"])]
    pub list: bool,
    /// Print the report of loop ID and exit: final once the loop is finished, partial while it
    /// runs.
    #[arg(long, value_name = "ID", conflicts_with_all = ["loop_id", "new"])]
    pub report: Option<String>,
    /// With --report: finish the running loop first (its answers become final).
    #[arg(long, requires = "report")]
    pub finish: bool,
    /// Format of the report (and of --list, as text or JSON).
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

/// What the command works with once the user is signed in.
pub(crate) struct Ctx {
    rt: tokio::runtime::Runtime,
    state: AppState,
    user: User,
    /// How to name this database and account again in a command line.
    again: String,
}

impl Ctx {
    /// Runs one operation of the store or the service to its end.
    fn block<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    fn content(&self) -> &'static Content {
        self.state.content()
    }

    fn load(&self, loop_id: &str) -> Result<LoopState> {
        self.block(service::load_loop(&self.state, &self.user.id, loop_id))
            .map_err(|e| match e {
                WebError::NotFound(_) => anyhow!(
                    "you have no loop `{loop_id}`; `{} --list` shows yours",
                    self.again
                ),
                other => web(other),
            })
    }

    /// The command line that continues `loop_id`.
    fn continue_with(&self, loop_id: &str) -> String {
        format!("{} --loop {loop_id}", self.again)
    }
}

/// A service error as an error of the command: the cause in full for internal failures (a
/// terminal shows it to the person who owns the database), the user-facing sentence otherwise.
fn web(e: WebError) -> anyhow::Error {
    match e {
        WebError::Internal(cause) => anyhow!("{cause}"),
        other => anyhow!("{other}"),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Runs the command.
pub fn run(content: Content, args: &PracticeArgs) -> Result<()> {
    let email = check_email(&args.email)?;
    // The setup is checked first: a wrong flag is reported before anything is asked or stored.
    let setup = new_setup(&content, args)?;
    // The coach's lexicons borrow the content for the life of the process.
    let content: &'static Content = Box::leak(Box::new(content));
    let url = database_url(&args.db);
    let rt = runtime()?;
    let store = rt.block_on(Store::open_with(
        &url,
        &StoreOptions {
            max_connections: 2,
            migrate: true,
            ..StoreOptions::default()
        },
    ))?;
    let state = AppState::new(store.clone(), content, Settings::default());
    let mut input = Input::stdin();
    let user = match sign_in(&rt, &state, &mut input, &email, args.name.as_deref()) {
        Ok(user) => user,
        Err(e) => {
            rt.block_on(store.close());
            return Err(e);
        }
    };
    let ctx = Ctx {
        rt,
        state,
        user,
        again: again(args, &email),
    };
    let result = dispatch(&ctx, &mut input, args, setup);
    ctx.block(store.close());
    result
}

fn dispatch(ctx: &Ctx, input: &mut Input, args: &PracticeArgs, setup: PracticeSetup) -> Result<()> {
    if args.list {
        return emit(&list(ctx, args.format)?);
    }
    if let Some(id) = &args.report {
        return show_report(ctx, id, args.finish, args.format);
    }
    let loop_state = match &args.loop_id {
        Some(id) => ctx.load(id)?,
        None => match latest_running(ctx)? {
            Some(ls) if !args.new => {
                if setup_flags_given(args) && !same_profile(&ls.plan.setup, &setup) {
                    emit(&format!(
                        "Note: your running loop ({}) continues; add --new to start one with the setup you gave.\n",
                        render::setup_line(&ls.plan.setup)
                    ))?;
                }
                ls
            }
            _ => {
                let ls = ctx
                    .block(service::start_loop(&ctx.state, &ctx.user.id, &setup))
                    .map_err(web)?;
                emit(&format!("Started a new loop, {}.\n", ls.record.id))?;
                ls
            }
        },
    };
    session::Session::new(ctx, input, args.format).run(loop_state)
}

/// The setup of a new loop from the flags, the pipeline's defaults filling the gaps.
fn new_setup(content: &Content, args: &PracticeArgs) -> Result<PracticeSetup> {
    let pipeline = content.pipeline(&args.pipeline);
    let level = args.level.clone().unwrap_or_else(|| {
        pipeline.map_or_else(|| "P6".to_owned(), |p| p.default_level.to_string())
    });
    let region = args.region.clone().unwrap_or_else(|| {
        pipeline.map_or_else(|| "china".to_owned(), |p| p.default_region.clone())
    });
    let language = args.language.as_deref().unwrap_or("en");
    let seed = args.seed.unwrap_or_else(random_seed);
    PracticeSetup::parse(content, &args.pipeline, &level, &region, language, seed).map_err(|e| {
        match e {
            PracticeError::Setup(problems) => anyhow!(
                "invalid practice setup: {}",
                problems
                    .iter()
                    .map(|p| format!("--{}: {}", p.field, p.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            other => anyhow!("{other}"),
        }
    })
}

/// A seed for a loop drawn at random: short, so it can be noted and shared.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.finish() % 1_000_000
}

fn setup_flags_given(args: &PracticeArgs) -> bool {
    args.level.is_some() || args.region.is_some() || args.language.is_some() || args.seed.is_some()
}

fn same_profile(a: &PracticeSetup, b: &PracticeSetup) -> bool {
    a.pipeline == b.pipeline
        && a.level == b.level
        && a.region == b.region
        && a.language == b.language
}

/// The user's newest loop that still takes answers.
fn latest_running(ctx: &Ctx) -> Result<Option<LoopState>> {
    let loops = ctx
        .block(ctx.state.store().loops_of(&ctx.user.id, LIST_LIMIT))
        .context("cannot read your loops")?;
    let Some(record) = loops
        .into_iter()
        .find(|l| l.status == LoopStatus::Running && l.kind == LoopKind::Loop)
    else {
        return Ok(None);
    };
    ctx.load(&record.id).map(Some)
}

/// The start of a command line that names this database and account again.
fn again(args: &PracticeArgs, email: &str) -> String {
    let mut s = "hireloop practice".to_owned();
    // A PostgreSQL URL may hold a password: it is not repeated on the screen.
    if let Some(db) = &args.db.db
        && Backend::of_url(db) != Some(Backend::Postgres)
    {
        s.push_str(&format!(" --db {}", shell_word(db)));
    }
    s.push_str(&format!(" --email {}", shell_word(email)));
    s
}

/// A word quoted for a POSIX shell when it needs to be.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Checks an email address's shape with the web app's rule; returns it trimmed and in lowercase.
fn check_email(email: &str) -> Result<String> {
    hireloop_web::check_email(email).map_err(|_| {
        anyhow::anyhow!("--email: `{email}` is not an email address (such as name@example.com)")
    })
}

/// Signs the user in, or creates the account when `--name` is given and none exists.
fn sign_in(
    rt: &tokio::runtime::Runtime,
    state: &AppState,
    input: &mut Input,
    email: &str,
    name: Option<&str>,
) -> Result<User> {
    let existing = rt
        .block_on(state.store().user_by_email(email))
        .context("cannot read the accounts")?;
    match existing {
        Some(user) => {
            let password = password(input, email, false)?;
            let ok = rt
                .block_on(hireloop_web::verify_password(
                    password,
                    user.password_hash.clone(),
                ))
                .map_err(web)?;
            if !ok {
                bail!("wrong password for {email} (it is the same password as in the web app)");
            }
            Ok(user)
        }
        None => {
            let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
                bail!(
                    "no account has the address {email}; add --name \"Your Name\" to create one (or sign up in the web app)"
                );
            };
            let password = password(input, email, true)?;
            // The web app's rule, so an account made here signs in there and back.
            hireloop_web::check_new_password(&password)
                .map_err(|e| anyhow::anyhow!("{e}; nothing was created"))?;
            let hash = rt
                .block_on(hireloop_web::hash_password(password))
                .map_err(web)?;
            let now = state.now_ms();
            let user = rt
                .block_on(state.store().create_user(
                    &NewUser {
                        email,
                        display_name: name,
                        password_hash: &hash,
                    },
                    now,
                ))
                .map_err(|e| web(e.into()))?;
            emit(&format!(
                "Created the account {} for {}: sign in with it here or in the web app.\n",
                user.email, user.display_name
            ))?;
            Ok(user)
        }
    }
}

/// The password: from HIRELOOP_PASSWORD, or asked for (twice in a terminal for a new account).
fn password(input: &mut Input, email: &str, new: bool) -> Result<String> {
    if let Some(p) = std::env::var_os("HIRELOOP_PASSWORD") {
        let p = p
            .into_string()
            .map_err(|_| anyhow!("HIRELOOP_PASSWORD is not valid UTF-8"))?;
        if p.is_empty() {
            bail!("HIRELOOP_PASSWORD is empty");
        }
        return Ok(p);
    }
    let prompt = if new {
        format!(
            "Choose a password for {email} (at least {} characters): ",
            hireloop_web::MIN_PASSWORD
        )
    } else {
        format!("Password for {email}: ")
    };
    let Some(p) = input.secret(&prompt)? else {
        bail!("no password given: type it when asked, or set HIRELOOP_PASSWORD");
    };
    if p.is_empty() {
        bail!("the password is empty");
    }
    if new && input.is_terminal() {
        let again = input.secret("Repeat it: ")?;
        if again.as_deref() != Some(p.as_str()) {
            bail!("the two passwords differ; nothing was created");
        }
    }
    Ok(p)
}

/// `--list`: the user's loops, newest first.
fn list(ctx: &Ctx, format: ReportFormat) -> Result<String> {
    let records = ctx
        .block(ctx.state.store().loops_of(&ctx.user.id, LIST_LIMIT))
        .context("cannot read your loops")?;
    let mut loops = Vec::new();
    for record in records {
        loops.push(ctx.load(&record.id)?);
    }
    match format {
        ReportFormat::Json => super::json(&render::list_json(&loops)),
        ReportFormat::Text | ReportFormat::Markdown => {
            Ok(render::list_text(&loops, &ctx.user, &ctx.again))
        }
    }
}

/// `--report ID`: the report of a loop, finished first with `--finish`.
fn show_report(ctx: &Ctx, loop_id: &str, finish: bool, format: ReportFormat) -> Result<()> {
    let ls = ctx.load(loop_id)?;
    let report = if finish && ls.running() {
        ctx.block(service::finish(&ctx.state, &ctx.user.id, loop_id))
            .map_err(web)?
    } else {
        service::report(&ctx.state, &ls).map_err(web)?
    };
    print_report(&report, format)?;
    if report.partial {
        emit_err(&format!(
            "The loop is still running: continue it with `{}`, or finish it with `{} --report {loop_id} --finish`.\n",
            ctx.continue_with(loop_id),
            ctx.again
        ))?;
    }
    Ok(())
}

fn print_report(report: &LoopReport, format: ReportFormat) -> Result<()> {
    let out = match format {
        ReportFormat::Json => super::json(report)?,
        ReportFormat::Markdown => hireloop_practice::report::markdown(report),
        ReportFormat::Text => render::report_text(report),
    };
    emit(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_lowercased() {
        assert_eq!(
            check_email(" Ann@Example.COM ").ok(),
            Some("ann@example.com".into())
        );
        for bad in [
            "",
            "ann",
            "ann@example",
            "@example.com",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(shell_word("sqlite://x.db"), "sqlite://x.db");
        assert_eq!(shell_word("my db.sqlite"), "'my db.sqlite'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
