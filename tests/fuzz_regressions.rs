//! Every input the fuzzing campaign saved (`fuzz/regressions/<target>/`: crashes, hangs and
//! out-of-memory inputs it found, each since fixed, and hostile seeds) replayed through the same
//! target bodies on the stable toolchain, so each stays fixed. See `fuzz/README.md`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../fuzz/bodies.rs"]
mod bodies;

#[test]
fn every_saved_input_replays_cleanly() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let mut replayed = 0;
    for (name, target) in bodies::TARGETS {
        let dir = root.join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name}: {} panics", file.display());
            replayed += 1;
        }
    }
    // The saved inputs are there to be replayed (a moved folder must not pass silently).
    assert!(
        replayed >= 10,
        "only {replayed} saved inputs found under {}",
        root.display()
    );
}

#[test]
fn every_target_takes_empty_and_odd_input() {
    for (_, target) in bodies::TARGETS {
        for data in [
            &b""[..],
            b"\0",
            b"\xff\xfe",
            b"PK\x03\x04",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        ] {
            target(data);
        }
    }
}
