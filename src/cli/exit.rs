//! How a run of `laman` ends: the exit code (STYLE.md: 0 ok, 1 error-level
//! findings, 2 could not run) and the two reasons a subcommand stops early.

/// The exit code of every subcommand; `main` hands it to the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Everything fine, or the reader of the output went away (see [`Stop::Closed`]).
    Ok = 0,
    /// Findings at error level remain.
    Findings = 1,
    /// Could not run (usage, config, I/O).
    Failure = 2,
}

impl ExitCode {
    /// `Findings` when error-level findings remain, else `Ok`: the verdict
    /// of `build`, `check` and `conformance`.
    pub fn findings_if(has_errors: bool) -> ExitCode {
        if has_errors {
            ExitCode::Findings
        } else {
            ExitCode::Ok
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        // The discriminants are the codes (0, 1, 2): the cast cannot truncate.
        std::process::ExitCode::from(code as u8)
    }
}

/// Why a subcommand stopped before its end.
#[derive(Debug)]
pub enum Stop {
    /// The command could not run: the error is printed, exit 2.
    Error(laman::Error),
    /// `laman impor` could not run: the error is printed, exit 2. (Not a
    /// `laman::Error` variant: the library's ground-floor error must not
    /// name the importer, which is built on top of it.)
    Import(laman::import::ImportError),
    /// Whoever read the output closed it (`laman check | head -1`): there
    /// is no one left to tell anything, so the command ends quietly with
    /// exit 0, as ripgrep does.
    Closed,
}

impl From<laman::Error> for Stop {
    fn from(e: laman::Error) -> Self {
        Stop::Error(e)
    }
}

impl From<laman::import::ImportError> for Stop {
    fn from(e: laman::import::ImportError) -> Self {
        Stop::Import(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_documented_numbers() {
        assert_eq!(ExitCode::Ok as u8, 0);
        assert_eq!(ExitCode::Findings as u8, 1);
        assert_eq!(ExitCode::Failure as u8, 2);
        assert_eq!(ExitCode::findings_if(true), ExitCode::Findings);
        assert_eq!(ExitCode::findings_if(false), ExitCode::Ok);
    }
}
