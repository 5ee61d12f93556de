//! Writes the table of every code heatkit can give (the page `docs/codes.md`):
//!
//! ```text
//! cargo run --example code_table > docs/codes.md
//! ```

fn main() {
    print!("{}", heat_core::codes::code_table());
}
