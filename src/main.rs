//! The `laman` command. Thin: parse arguments, run, set the exit code
//! (0 ok, 1 error-level findings, 2 could not run).

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
