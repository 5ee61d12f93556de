//! Fuzz target `area_index`: see `../bodies.rs` for what it calls and what must hold.
#![no_main]

#[path = "../bodies.rs"]
mod bodies;

libfuzzer_sys::fuzz_target!(|data: &[u8]| bodies::area_index(data));
