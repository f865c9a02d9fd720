//! The `rule-atlas` command line: `build` a catalog, `explain` single rules.
//! Errors reach the user through one path: `main` prints them and sets the
//! exit status.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use atlas_builder::build::{self, BuildOptions};
use atlas_builder::{attack, explain};
use atlas_frontend::fieldtable;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Parser)]
#[command(
    name = "rule-atlas",
    version,
    about = "Builds the Rule Atlas catalog from public detection-rule repositories"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read rule repositories and ATT&CK; write catalog.json, details/ and build-report.json.
    Build {
        /// Root of a clone of SigmaHQ/sigma.
        #[arg(long)]
        sigma: Option<PathBuf>,
        /// Root of a clone of elastic/detection-rules.
        #[arg(long)]
        elastic: Option<PathBuf>,
        /// Root of a clone of splunk/security_content.
        #[arg(long)]
        splunk: Option<PathBuf>,
        /// ATT&CK STIX 2.1 bundle (enterprise-attack.json).
        #[arg(long)]
        attack: Option<PathBuf>,
        /// ATT&CK release name, when the bundle does not carry it (e.g. 18.1).
        #[arg(long)]
        attack_version: Option<String>,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Number of rule-detail shard files (default 128; fewer for small catalogs).
        #[arg(long)]
        detail_shards: Option<u32>,
        /// Mark the catalog as the demo built from fixture rules (the app shows a banner).
        #[arg(long)]
        demo: bool,
        /// No progress bar or summary.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Print one JSON object per rule in the given files: id, title, vendor,
    /// techniques, status, reason and logic.
    Explain {
        files: Vec<PathBuf>,
        /// ATT&CK bundle, to resolve revoked technique IDs.
        #[arg(long)]
        attack: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("rule-atlas: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build { sigma, elastic, splunk, attack, attack_version, out, detail_shards, demo, quiet } => {
            let options = BuildOptions { sigma, elastic, splunk, attack, attack_version, out, detail_shards, demo };
            run_build(&options, quiet)
        }
        Command::Explain { files, attack } => run_explain(&files, attack),
    }
}

fn run_build(options: &BuildOptions, quiet: bool) -> anyhow::Result<ExitCode> {
    let bar = if quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{spinner} reading rules {bar:40} {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    };
    let built = build::build(options, &|step, total| {
        bar.set_length(total as u64);
        bar.inc(step as u64);
    })?;
    bar.finish_and_clear();
    build::write(&built, &options.out)?;
    if !quiet {
        eprint!("{}", built.report.summary());
        eprintln!("wrote {}", options.out.join("catalog.json").display());
    }
    Ok(ExitCode::SUCCESS)
}

fn run_explain(files: &[PathBuf], attack_path: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let fields = fieldtable::load()?;
    let attack = match attack_path {
        Some(path) => {
            let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            Some(attack::load(&text, None).with_context(|| format!("ATT&CK bundle {}", path.display()))?)
        }
        None => None,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = false;
    // One file that cannot be read is one line saying so; the others go on.
    for file in files {
        let lines = explain::explain_file(file, &fields, attack.as_ref()).unwrap_or_else(|error| {
            eprintln!("rule-atlas: {error}");
            failed = true;
            vec![explain::Explained::failed(file, &error)]
        });
        for line in lines {
            serde_json::to_writer(&mut out, &line)?;
            writeln!(out)?;
        }
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
