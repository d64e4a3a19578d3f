//! One module per command. Each renders into a `String` so the tour and the tests can reuse it.

pub mod ab;
mod catalog;
pub mod coach;
mod content;
mod decide;
pub mod estimate;
pub mod funnel;
mod pipeline;
pub mod practice;
mod questions;
pub mod resume;
pub mod serve;
pub mod spike;
mod tour;
pub mod tradeoff;

use anyhow::Result;

use crate::cli::{Cli, Command, ContentCmd, PipelineCmd, QuestionsCmd};
use crate::input::{emit, load_content};

/// Runs one parsed command.
pub fn run(cli: Cli) -> Result<()> {
    let dir = cli.content.as_deref();
    let content = || load_content(dir);
    let out = match cli.command {
        Command::Content(ContentCmd::Validate { dir: arg, format }) => {
            return content::validate(arg.as_deref().or(dir), format);
        }
        Command::Content(ContentCmd::Export { dir: target, force }) => {
            return content::export(&target, force);
        }
        Command::Pipeline(PipelineCmd::Validate { files, format }) => {
            return pipeline::validate(&content()?, &files, format);
        }
        Command::Resume(cmd) => return resume::run(&content()?, &cmd),
        Command::Tour => tour::run(&content()?)?,
        Command::Pipeline(PipelineCmd::Show(args)) => pipeline::show(&content()?, &args)?,
        Command::Pipeline(PipelineCmd::List(f)) => pipeline::list(&content()?, f.format)?,
        Command::Questions(QuestionsCmd::List(args)) => questions::list(&content()?, &args)?,
        Command::Questions(QuestionsCmd::Show { id, format }) => {
            questions::show(&content()?, &id, format)?
        }
        Command::Questions(QuestionsCmd::Families(f)) => {
            questions::families(&content()?, f.format)?
        }
        Command::Levels(f) => catalog::levels(&content()?, f.format)?,
        Command::Rubric(f) => catalog::rubric(&content()?, f.format)?,
        Command::Values(f) => catalog::values(&content()?, f.format)?,
        Command::Mistakes(f) => catalog::mistakes(&content()?, f.format)?,
        Command::Checklist(f) => catalog::checklist(&content()?, f.format)?,
        Command::Figures(f) => catalog::figures(&content()?, f.format)?,
        Command::Decide(args) => decide::run(&content()?, &args)?,
        Command::Coach(args) => coach::run(&content()?, &args)?,
        Command::Ab(args) => ab::run(&args)?,
        Command::Funnel(args) => funnel::run(&args)?,
        Command::Estimate(args) => estimate::run(&args)?,
        Command::Tradeoff(args) => tradeoff::run(&args)?,
        Command::Spike(args) => spike::run(&args)?,
        Command::Serve(args) => return serve::serve(content()?, &args),
        Command::Migrate(args) => serve::migrate(&args)?,
        Command::Practice(args) => return practice::run(content()?, &args),
    };
    emit(&out)
}

/// Serialises a value as pretty JSON with a final newline.
pub fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s)
}
