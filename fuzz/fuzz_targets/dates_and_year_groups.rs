//! Fuzz target `dates_and_year_groups`: see `../bodies.rs` for what it calls and what must hold.
#![no_main]

#[path = "../bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::dates_and_year_groups(data));
