//! The two output streams of the command. Every line `laman` prints goes
//! through here rather than `print!`, which panics when the reader has
//! gone away (`laman check | head -1`: "failed printing to stdout", exit
//! 101); here a closed pipe becomes [`Stop::Closed`] and a quiet exit 0.

use std::io::{self, Write};

use super::exit::Stop;

/// Writes `text` to standard output.
pub fn stdout(text: &str) -> Result<(), Stop> {
    write(io::stdout().lock(), text, "standard output")
}

/// Writes `text` to standard error (the build and publish logs, the host's
/// events).
pub fn stderr(text: &str) -> Result<(), Stop> {
    write(io::stderr().lock(), text, "standard error")
}

/// Writes and flushes at once: each call is a whole message, and a closed
/// pipe must surface here, not later in a buffer dropped at exit.
fn write(mut w: impl Write, text: &str, name: &str) -> Result<(), Stop> {
    match w.write_all(text.as_bytes()).and_then(|()| w.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(Stop::Closed),
        // A full disk behind `> file` is a failure to report, not a reader leaving.
        Err(e) => Err(Stop::Error(laman::Error::io(name, e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader has gone, or whose disk is full.
    struct Failing(io::ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(self.0))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_stops_quietly_and_other_errors_fail() {
        let closed = write(Failing(io::ErrorKind::BrokenPipe), "x\n", "standard output");
        assert!(matches!(closed, Err(Stop::Closed)), "{closed:?}");
        let full = write(
            Failing(io::ErrorKind::StorageFull),
            "x\n",
            "standard output",
        );
        assert!(
            matches!(full, Err(Stop::Error(laman::Error::Io { .. }))),
            "{full:?}"
        );
        let mut buf = Vec::new();
        assert!(write(&mut buf, "x\n", "standard output").is_ok());
        assert_eq!(buf, b"x\n");
    }
}
