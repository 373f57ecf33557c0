//! The default theme is built into the binary (`include_dir!` in
//! src/render/mod.rs); on stable Rust that macro does not tell Cargo about
//! the files it reads, so this says it: a change under themes/default
//! rebuilds the crate.

fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=build.rs");
}
