//! The command line in the reader's language: which language (`--lang`,
//! else `LC_ALL`/`LC_MESSAGES`/`LANG` starting with `en`, else Bahasa
//! Indonesia), the clap command with its help texts, headings and help
//! flags in that language, and clap's usage errors said again in it with
//! their "did you mean". The words are `laman::text::cli`'s.

use std::ffi::{OsStr, OsString};

use clap::builder::PossibleValue;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};
use laman::text::cli::{HelpWord, UsageError, help_id};
use laman::text::nearest;
use laman::{Lang, Localize, Severity};

use super::exit::ExitCode;
use super::out;

/// The language of a run: `--lang X` / `--lang=X` on the command line
/// first, then the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`, the first one
/// set) when it starts with `en`; Bahasa Indonesia otherwise.
pub fn lang_of(args: &[OsString], env: impl Fn(&str) -> Option<OsString>) -> Lang {
    let word = |v: &OsStr| match v.to_str() {
        Some("en") => Some(Lang::En),
        Some("id") => Some(Lang::Id),
        _ => None,
    };
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--lang" {
            if let Some(l) = it.next().and_then(|v| word(v)) {
                return l;
            }
        } else if let Some(v) = a.to_str().and_then(|s| s.strip_prefix("--lang=")) {
            if let Some(l) = word(OsStr::new(v)) {
                return l;
            }
        }
    }
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| env(k))
        .find(|v| !v.is_empty());
    match locale.as_ref().and_then(|v| v.to_str()) {
        Some(v) if v.starts_with("en") => Lang::En,
        _ => Lang::Id,
    }
}

/// `cmd` with its help in `lang`: every command's `about` and every
/// option's help (the doc comments are the English; Indonesian from
/// `help_id`), choices and defaults in the same words, the headings of
/// the help page, and `-h`/`-V` described in `lang`.
pub fn localize(cmd: Command, lang: Lang) -> Command {
    let version = cmd.get_version().is_some();
    let mut cmd = localize_at(cmd, lang, "");
    if version {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(flag_help("version", lang)),
        );
    }
    cmd
}

fn localize_at(cmd: Command, lang: Lang, path: &str) -> Command {
    let mut cmd = cmd.disable_help_flag(true).arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(flag_help("help", lang)),
    );
    if lang == Lang::Id {
        if let Some(about) = help_id(path) {
            cmd = cmd.about(about);
        }
        cmd = cmd
            .subcommand_value_name("PERINTAH")
            .mut_args(|a| indonesian_arg(a, path));
    }
    let layout = template(&cmd, lang);
    cmd = cmd.help_template(layout);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let child = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        cmd = cmd.mut_subcommand(&name, |s| localize_at(s, lang, &child));
    }
    cmd
}

/// The help of `-h` and `-V`.
fn flag_help(id: &str, lang: Lang) -> String {
    match (id, lang) {
        (_, Lang::Id) => help_id(&format!(".{id}")).unwrap_or_default().to_string(),
        ("help", Lang::En) => "Print help".to_string(),
        (_, Lang::En) => "Print version".to_string(),
    }
}

/// An option with its Indonesian help, its choices and default in
/// Indonesian words instead of clap's English ones.
fn indonesian_arg(a: Arg, path: &str) -> Arg {
    let id = a.get_id().as_str().to_string();
    if id == "help" || id == "version" {
        return a;
    }
    let key = if a.is_global_set() {
        format!(".{id}")
    } else {
        format!("{path}.{id}")
    };
    let Some(help) = help_id(&key) else {
        return a;
    };
    if !a.get_action().takes_values() {
        return a.help(help);
    }
    let mut text = help.to_string();
    let choices: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|p| !p.is_hide_set())
        .map(PossibleValue::get_name)
        .map(str::to_string)
        .collect();
    if !choices.is_empty() && !help.contains('[') {
        text.push_str(&format!(
            " [{}: {}]",
            HelpWord::Choices.text(Lang::Id),
            choices.join(", ")
        ));
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|d| d.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !help.contains("[bawaan") {
        text.push_str(&format!(
            " [{}: {}]",
            HelpWord::Default.text(Lang::Id),
            defaults.join(", ")
        ));
    }
    a.help(text)
        .hide_possible_values(true)
        .hide_default_value(true)
}

/// The help page's layout with the headings in `lang`.
fn template(cmd: &Command, lang: Lang) -> String {
    let mut t = format!(
        "{{about-with-newline}}\n{} {{usage}}\n",
        HelpWord::Usage.text(lang)
    );
    if cmd.has_subcommands() {
        t.push_str(&format!(
            "\n{}\n{{subcommands}}\n",
            HelpWord::Commands.text(lang)
        ));
    }
    if cmd.get_positionals().next().is_some() {
        t.push_str(&format!(
            "\n{}\n{{positionals}}\n",
            HelpWord::Arguments.text(lang)
        ));
    }
    t.push_str(&format!(
        "\n{}\n{{options}}\n{{after-help}}",
        HelpWord::Options.text(lang)
    ));
    t
}

/// Prints what clap stopped at (a help page, the version, or a usage
/// error in `lang`) and returns the exit code: 0 for help and version, 2
/// for an error.
pub fn report(e: &clap::Error, lang: Lang) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // A closed pipe (`--help | head -1`) has no one to tell.
            let _ = out::stdout(&help_page(&e.render().to_string(), lang));
            ExitCode::Ok
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = out::stderr(&help_page(&e.render().to_string(), lang));
            ExitCode::Failure
        }
        _ => {
            let _ = out::stderr(&usage_text(e, lang));
            ExitCode::Failure
        }
    }
}

/// clap's rendered help with what its template cannot reach in `lang`:
/// `[OPTIONS]` in the usage line and the generated `help` command.
fn help_page(rendered: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return rendered.to_string();
    }
    rendered
        .replace("[OPTIONS]", &HelpWord::OptionsPlaceholder.text(Lang::Id))
        .replace(
            "Print this message or the help of the given subcommand(s)",
            help_id("help").unwrap_or_default(),
        )
}

/// A usage error as printed: what is wrong, the suggestion, the usage line
/// and where to read more, in `lang`.
pub fn usage_text(e: &clap::Error, lang: Lang) -> String {
    let problem = usage_error(e);
    let mut s = format!("{}: {}\n", Severity::Error.text(lang), problem.text(lang));
    if let Some(h) = problem.hint(lang) {
        s.push_str(&format!(
            "\n  {}: {h}\n",
            laman::text::Label::Help.text(lang)
        ));
    }
    if let Some(ContextValue::StyledStr(u)) = e.get(ContextKind::Usage) {
        let u = u.to_string();
        let line = u.trim().strip_prefix("Usage:").unwrap_or(u.trim()).trim();
        let line = match lang {
            Lang::Id => line
                .replace("[OPTIONS]", &HelpWord::OptionsPlaceholder.text(lang))
                .replace("<COMMAND>", &HelpWord::CommandPlaceholder.text(lang)),
            Lang::En => line.to_string(),
        };
        s.push_str(&format!("\n{} {line}\n", HelpWord::Usage.text(lang)));
    }
    s.push_str(&format!("\n{}\n", HelpWord::MoreInformation.text(lang)));
    s
}

fn string(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => v.first().cloned(),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        _ => None,
    }
}

fn strings(e: &clap::Error, kind: ContextKind) -> Vec<String> {
    match e.get(kind) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        _ => Vec::new(),
    }
}

/// clap's error as laman's data.
fn usage_error(e: &clap::Error) -> UsageError {
    let given = string(e, ContextKind::InvalidValue).unwrap_or_default();
    let arg = string(e, ContextKind::InvalidArg).unwrap_or_default();
    match e.kind() {
        ErrorKind::InvalidSubcommand => UsageError::UnknownCommand {
            given: string(e, ContextKind::InvalidSubcommand).unwrap_or_default(),
            suggestion: string(e, ContextKind::SuggestedSubcommand),
        },
        ErrorKind::UnknownArgument => UsageError::UnknownArgument {
            given: arg,
            suggestion: string(e, ContextKind::SuggestedArg),
        },
        ErrorKind::InvalidValue => {
            let allowed = strings(e, ContextKind::ValidValue);
            let suggestion = string(e, ContextKind::SuggestedValue)
                .or_else(|| nearest(&given, &allowed).map(str::to_string));
            UsageError::InvalidValue {
                arg,
                given,
                allowed,
                suggestion,
            }
        }
        ErrorKind::ValueValidation => {
            let (allowed, suggestion) = closed_set(&arg, &given);
            UsageError::InvalidValue {
                arg,
                given,
                allowed,
                suggestion,
            }
        }
        ErrorKind::MissingRequiredArgument => UsageError::MissingArgument {
            args: strings(e, ContextKind::InvalidArg),
        },
        ErrorKind::MissingSubcommand => UsageError::MissingCommand {
            suggestion: strings(e, ContextKind::ValidSubcommand),
        },
        ErrorKind::ArgumentConflict => UsageError::Conflict {
            arg,
            other: string(e, ContextKind::PriorArg).unwrap_or_default(),
        },
        _ => UsageError::Other {
            detail: e
                .render()
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_string(),
        },
    }
}

/// The choices and the nearest one for the arguments whose values laman
/// checks itself (a page kind, a regency profile).
fn closed_set(arg: &str, given: &str) -> (Vec<String>, Option<String>) {
    use laman::content::kinds::Kind;
    use laman::profile::Profile;
    if arg.contains("JENIS") {
        let suggestion = Kind::suggest(given).map(|j| j.as_str().to_string());
        return (Vec::new(), suggestion);
    }
    if arg.contains("today") {
        let day = laman::content::date::understand(given)
            .and_then(|(_, d)| d)
            .map(|d| d.format("%Y-%m-%d").to_string());
        return (Vec::new(), day);
    }
    if arg.contains("profile") {
        let all: Vec<String> = Profile::ALL
            .iter()
            .map(|p| p.info().code.to_string())
            .collect();
        let suggestion = nearest(given, &all).map(str::to_string);
        return (all, suggestion);
    }
    (Vec::new(), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_language_comes_from_the_flag_then_the_locale() {
        let none = |_: &str| None;
        let en = |k: &str| (k == "LANG").then(|| OsString::from("en_US.UTF-8"));
        let c = |k: &str| (k == "LANG").then(|| OsString::from("C.UTF-8"));
        let all_id = |k: &str| (k == "LC_ALL").then(|| OsString::from("id_ID.UTF-8"));
        assert_eq!(lang_of(&args(&["laman", "build"]), none), Lang::Id);
        assert_eq!(lang_of(&args(&["laman", "build"]), en), Lang::En);
        assert_eq!(lang_of(&args(&["laman", "build"]), c), Lang::Id);
        assert_eq!(
            lang_of(&args(&["laman", "--lang", "id", "x"]), en),
            Lang::Id
        );
        assert_eq!(lang_of(&args(&["laman", "x", "--lang=en"]), none), Lang::En);
        assert_eq!(
            lang_of(&args(&["laman", "x"]), |k: &str| en(k)
                .or_else(|| all_id(k))),
            Lang::Id,
            "LC_ALL goes before LANG"
        );
        assert_eq!(
            lang_of(&args(&["laman", "--", "--lang", "en"]), none),
            Lang::Id
        );
    }

    /// Every command and option has its Indonesian help: a new option
    /// without one fails here, naming it.
    #[test]
    fn every_command_and_option_has_indonesian_help() {
        fn walk(cmd: &Command, path: &str, missing: &mut Vec<String>) {
            if help_id(path).is_none() {
                missing.push(format!("command `{path}`"));
            }
            for a in cmd.get_arguments() {
                let key = format!("{path}.{}", a.get_id());
                if help_id(&key).is_none() {
                    missing.push(key);
                }
            }
            for s in cmd.get_subcommands() {
                let child = if path.is_empty() {
                    s.get_name().to_string()
                } else {
                    format!("{path}.{}", s.get_name())
                };
                walk(s, &child, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::super::Args::command(), "", &mut missing);
        assert!(
            missing.is_empty(),
            "no Indonesian help in src/text/cli.rs for {missing:?}"
        );
    }

    /// clap's own consistency checks pass on the command in both languages
    /// (they run only in debug builds, at parse time, as a panic).
    #[test]
    fn the_localized_command_is_consistent() {
        for lang in [Lang::Id, Lang::En] {
            localize(super::super::Args::command(), lang).debug_assert();
        }
    }
}
