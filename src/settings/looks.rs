//! How the run looks: the output format, colour, progress and verbosity from the flags, the
//! environment and the terminal; whether a question may be asked.

use super::env::Env;
use crate::cli::{self, OutputFormat};
use crate::output::{Format, OutputConfig, Terminal};

/// Whether a question may be asked: only of a person at a terminal (standard input, output and
/// error all terminals, the prompt drawn on standard error), never with `-q` or
/// `IMS_SHARE_NO_PROMPT` (gh's rule), nor on a dumb terminal that cannot draw a list.
pub(super) fn may_prompt(g: &cli::GlobalArgs, env: &Env, terminal: Terminal) -> bool {
    terminal.stdin
        && terminal.stdout
        && terminal.stderr
        && !g.quiet
        && env.get("IMS_SHARE_NO_PROMPT").is_none()
        && env.get("TERM") != Some("dumb")
}

pub(super) fn output_config(g: &cli::GlobalArgs, env: &Env, terminal: Terminal) -> OutputConfig {
    let format = if g.json {
        Format::Json
    } else {
        match g.output {
            Some(OutputFormat::Table) => Format::Table,
            Some(OutputFormat::Plain) => Format::Plain,
            Some(OutputFormat::Json) => Format::Json,
            None if terminal.stdout => Format::Table,
            None => Format::Plain,
        }
    };
    // NO_COLOR: any non-empty value turns colour off (no-color.org); so does a dumb terminal.
    let color = format == Format::Table
        && terminal.stdout
        && env.get("NO_COLOR").is_none()
        && env.get("TERM") != Some("dumb");
    OutputConfig {
        format,
        color,
        progress: terminal.stderr && !g.no_progress && !g.quiet,
        quiet: g.quiet,
        verbose: g.verbose,
        terminal,
    }
}
