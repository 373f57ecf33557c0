//! Rendering findings and errors for a person at a terminal, like a
//! compiler: `galat[META-002]: … --> file:line:col`, then what to do.

use laman::{Diagnostic, Error, Lang};

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

/// An error that stopped the command, as printed.
fn error_text(e: &Error, lang: Lang) -> String {
    match e {
        Error::Config(d) => format_diagnostic(d, lang),
        other => {
            let word = match lang {
                Lang::Id => "galat",
                Lang::En => "error",
            };
            let text = match (other, lang) {
                (Error::UnknownSite(s), Lang::Id) => format!("tidak ada situs `{s}` di sites/"),
                (Error::Exists(p), Lang::Id) => format!("{} sudah ada; tidak ditimpa", p.display()),
                (Error::Io { path, source }, Lang::Id) => format!("{}: {source}", path.display()),
                (o, _) => o.to_string(),
            };
            format!("{word}: {text}\n")
        }
    }
}
