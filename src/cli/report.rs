//! Rendering findings and errors for a person at a terminal, like a
//! compiler: `galat[META-002]: … --> file:line:col`, then what to do.

use laman::{Diagnostic, Error, Lang, Localize, Severity};

use super::out;

/// One finding in human form (shared with `laman check`).
pub fn format_diagnostic(d: &Diagnostic, lang: Lang) -> String {
    laman::report::human(d, lang)
}

/// Prints an error that stopped the command. A failure to print it is
/// dropped: the exit code (2) still says the command failed.
pub fn print_error(e: &Error, lang: Lang) {
    let _ = out::stderr(&error_text(e, lang));
}

/// Prints why a command could not run, after the word for an error.
pub fn print_failure(text: &str, lang: Lang) {
    let _ = out::stderr(&format!("{}: {text}\n", Severity::Error.text(lang)));
}

/// An error that stopped the command, as printed: a config error like a
/// finding, any other after the word for an error.
fn error_text(e: &Error, lang: Lang) -> String {
    match e {
        Error::Config(d) => format_diagnostic(d, lang),
        other => format!("{}: {}\n", Severity::Error.text(lang), other.text(lang)),
    }
}
