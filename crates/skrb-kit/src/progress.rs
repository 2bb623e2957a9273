//! How a long job shows where it is, and how its refusal reads on a command line.

use std::io::IsTerminal;
use std::time::Instant;

/// Progress on standard error: a line that rewrites itself on a terminal, a line per
/// tenth otherwise.
pub struct Progress {
    what: &'static str,
    total: usize,
    started: Instant,
    tty: bool,
    last_tenth: usize,
}

impl Progress {
    pub fn new(what: &'static str, total: usize) -> Self {
        Progress {
            what,
            total,
            started: Instant::now(),
            tty: std::io::stderr().is_terminal(),
            last_tenth: 0,
        }
    }

    /// Where a job of unknown length is: a count and a rate, rewritten on a terminal.
    pub fn show_count(&mut self, done: usize) {
        if self.total == 0 {
            self.total = usize::MAX;
        }
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let line = format!(
            "{} {done} ({:.0}/s, {secs:.1} s)",
            self.what,
            done as f64 / secs
        );
        if self.tty {
            eprint!("\r{line}   ");
        } else if done / 20_000 > self.last_tenth {
            self.last_tenth = done / 20_000;
            eprintln!("{line}");
        }
    }

    pub fn show(&mut self, done: usize) {
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / secs;
        let line = format!(
            "{} {done} / {} ({rate:.0}/s, {secs:.1} s)",
            self.what, self.total
        );
        if self.tty {
            eprint!("\r{line}   ");
            if done >= self.total {
                eprintln!();
            }
        } else {
            let tenth = done * 10 / self.total.max(1);
            if tenth > self.last_tenth || done >= self.total {
                self.last_tenth = tenth;
                eprintln!("{line}");
            }
        }
    }
}

/// A use case's refusal as a readable error for the command line.
pub fn readable(e: crate::error::AppError) -> anyhow::Error {
    use crate::error::AppError;
    let l = crate::i18n::Locale::En;
    match e {
        AppError::Validation(errs) => anyhow::anyhow!(
            "{}",
            errs.iter()
                .map(|f| format!("{}: {}", f.field, f.msg.render(l)))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        AppError::Refused(m) => anyhow::anyhow!("{}", m.render(l)),
        other => anyhow::anyhow!("{other}"),
    }
}
