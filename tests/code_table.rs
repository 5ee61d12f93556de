//! `docs/codes.md` is the table the code declarations make: a code added, renamed or removed
//! without the page written again (`cargo run --example code_table > docs/codes.md`) fails here.

#[test]
fn the_codes_page_is_the_generated_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/codes.md");
    let page = std::fs::read_to_string(path).unwrap_or_default();
    let made = heat_core::codes::code_table();
    let differ = page
        .lines()
        .zip(made.lines())
        .position(|(a, b)| a != b)
        .or((page.lines().count() != made.lines().count())
            .then(|| page.lines().count().min(made.lines().count())));
    assert_eq!(
        differ,
        None,
        "docs/codes.md differs from the code from line {:?} on; write it again with \
         `cargo run --example code_table > docs/codes.md`",
        differ.map(|i| i + 1)
    );
}

#[test]
fn every_code_is_snake_case_and_listed_once_per_type() {
    let lists = heat_core::codes::code_lists();
    assert_eq!(lists.len(), 25);
    for list in lists {
        for (i, code) in list.codes.iter().enumerate() {
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{}: {code}",
                list.owner
            );
            assert!(
                !list.codes[..i].contains(code),
                "{}: {code} twice",
                list.owner
            );
        }
    }
}
