//! Command-line flags and arguments. Parsing only: the commands live in `cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A structured interview engine: the interview process as code.
#[derive(Debug, Parser)]
#[command(name = "hireloop", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// A content folder laid over the built-in content: a file there replaces the built-in file
    /// with the same relative path (for example `questions/ab.toml`), a new file is added.
    #[arg(long, global = true, env = "HIRELOOP_CONTENT", value_name = "DIR")]
    pub content: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// Output format of commands that print results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// JSON, a stable contract for scripts.
    Json,
}

/// Output format of `pipeline show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Readable text.
    Text,
    /// JSON.
    Json,
    /// A Mermaid flowchart.
    Mermaid,
}

/// `--format text|json`.
#[derive(Debug, Clone, Copy, Args)]
pub struct FormatArg {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// The subcommands.
// Parsed once per process, so the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// A guided tour of the built-in Alibaba PM process: the plan, questions and a decision.
    Tour,
    /// Interview processes: check a pipeline file, show the plan for a candidate profile.
    #[command(subcommand)]
    Pipeline(PipelineCmd),
    /// The question bank.
    #[command(subcommand)]
    Questions(QuestionsCmd),
    /// Levels P5–P10 with their pay bands.
    Levels(FormatArg),
    /// The rubric dimensions with their anchored ratings 1–4.
    Rubric(FormatArg),
    /// The company values with behavioural anchors.
    Values(FormatArg),
    /// The common mistakes the coach names.
    Mistakes(FormatArg),
    /// The preparation checklist.
    Checklist(FormatArg),
    /// Reference figures with their sources (11.11 history, latency, queueing).
    Figures(FormatArg),
    /// Run the decision engine on evaluations: stage outcomes, veto, decision, level and band.
    Decide(DecideArgs),
    /// Check or export the content (built-in or overlaid with --content).
    #[command(subcommand)]
    Content(ContentCmd),
    /// Grade an answer to a question with the coach: scores per dimension, evidence, mistakes, advice.
    Coach(crate::cmd::coach::CoachArgs),
    /// Screen resumes (PDF, DOCX, Markdown, text, JSON Resume): ownership, impact, scale, growth.
    #[command(subcommand)]
    Resume(crate::cmd::resume::ResumeCmd),
    /// A/B test analysis from sufficient statistics or per-user CSV; `ab power` for sample sizes.
    Ab(crate::cmd::ab::AbArgs),
    /// Funnel conversion from an event log (CSV): ordered, strict or any-order steps.
    Funnel(crate::cmd::funnel::FunnelArgs),
    /// Monte Carlo estimate from a small estimate language (`buyers = 300M to 500M`).
    Estimate(crate::cmd::estimate::EstimateArgs),
    /// Launch trade-off: conversion gain against added latency, as a distribution.
    Tradeoff(crate::cmd::tradeoff::TradeoffArgs),
    /// Discrete-event simulation of an 11.11 order spike with priorities and load shedding.
    Spike(crate::cmd::spike::SpikeArgs),
    /// Serve the web app and JSON API (practice mode) on an embedded SQLite file or PostgreSQL.
    Serve(crate::cmd::serve::ServeArgs),
    /// Create or update the database schema (the server also does this when it starts).
    Migrate(crate::cmd::serve::DbArg),
    /// Run the practice loop in the terminal, on the same database as the web app: resume screen,
    /// timed assessment, interview rounds with feedback after every answer, and the final report.
    Practice(crate::cmd::practice::PracticeArgs),
}

/// `hireloop pipeline ...`
#[derive(Debug, Subcommand)]
pub enum PipelineCmd {
    /// Check pipeline files and report every problem with file:line:col; exits 1 on errors.
    Validate {
        /// Pipeline files (TOML).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show the plan a candidate profile goes through.
    Show(ShowArgs),
    /// List the pipelines of the content.
    List(FormatArg),
}

/// `hireloop pipeline show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A pipeline file; the built-in `alibaba-pm` when absent.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// A pipeline of the content by id, instead of a file.
    #[arg(long, conflicts_with = "file", value_name = "ID")]
    pub id: Option<String>,
    /// Level applied for (P5–P10); the pipeline's default when absent.
    #[arg(long)]
    pub level: Option<String>,
    /// Region of the role (for alibaba-pm: china or international).
    #[arg(long)]
    pub region: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
}

/// `hireloop questions ...`
#[derive(Debug, Subcommand)]
pub enum QuestionsCmd {
    /// List questions, optionally filtered.
    List(ListArgs),
    /// Show one question: prompt, rubric, concepts, probes, outline, answer key.
    Show {
        /// Question id, such as `ab/ctr-up-aov-down`.
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List the question families with their generic rubrics.
    Families(FormatArg),
}

/// `hireloop questions list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this family (such as `guesstimate`).
    #[arg(long)]
    pub family: Option<String>,
    /// Only questions for this stage kind (such as `product_round`).
    #[arg(long)]
    pub stage: Option<String>,
    /// Only questions suited to this level.
    #[arg(long)]
    pub level: Option<String>,
    /// Only this difficulty (easy, medium, hard).
    #[arg(long)]
    pub difficulty: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `hireloop decide`.
#[derive(Debug, Args)]
pub struct DecideArgs {
    /// Evaluations (JSON); see examples/decide-veto.json.
    #[arg(value_name = "FILE.json")]
    pub file: PathBuf,
    /// Use this pipeline file instead of the one the input names.
    #[arg(long, value_name = "FILE")]
    pub pipeline: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `hireloop content ...`
#[derive(Debug, Subcommand)]
pub enum ContentCmd {
    /// Check the whole content; reports every problem with file:line:col, exits 1 on errors.
    Validate {
        /// A content folder to lay over the built-in content (same as --content).
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write the built-in content files into a folder, as a starting point for your own.
    Export {
        /// Target folder; created when missing.
        dir: PathBuf,
        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,
    },
}
