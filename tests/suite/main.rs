//! The integration tests, one binary: each module tests one area of laman
//! through the real binary and real servers on loopback, and `support` is
//! the shared harness. One binary links the crate once (eight did it eight
//! times) and its tests share one pool of threads; `cargo test --test suite
//! check::` runs one area.

mod browser;
mod browser_serve;
mod build;
mod check;
mod conformance;
mod first_day;
mod host;
mod impor;
mod laporan;
mod pesan;
mod publish;
mod security;
mod serve;
mod support;
