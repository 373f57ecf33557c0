//! The `laman` command. Thin: parse arguments, run, set the exit code
//! (0 ok, 1 error-level findings, 2 could not run).

mod cli;

/// mimalloc instead of the system allocator: a build allocates and frees
/// small strings and maps per page on every thread, where glibc's malloc
/// cost about a sixth of the instructions (bench/README.md, #14).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
