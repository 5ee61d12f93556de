//! Standard output for the command-line examples: a line at a time, and a reader that has gone
//! away (`... | head -1` closes the pipe) ends the program quietly instead of a panic.

use std::io::{ErrorKind, Write};

/// Writes one line to standard output. When the reader has closed the pipe the program exits at
/// once with code 0 and no message (as `head`, `grep -q` and friends expect); any other write
/// failure is reported on standard error with exit code 1.
pub fn line(text: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(text).and_then(|()| out.write_all(b"\n")) {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

/// `say!("…", args)`: [`line`] with `format!` arguments.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => { $crate::console::line(format_args!($($arg)*)) };
}
