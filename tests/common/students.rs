//! Reading the shared synthetic student files (`../shared/data/students/`), for tests and benches.

use heat_core::matching::StudentRecord;

/// The shared students folder, beside the repository.
pub const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/students/");

/// `<name>_records.csv` as records (dates of birth that do not read are left missing).
pub fn read_records(name: &str) -> Vec<StudentRecord> {
    let path = format!("{DIR}{name}_records.csv");
    let mut reader = csv::Reader::from_path(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (the shared folder must sit beside the repo)"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let base = StudentRecord::new(&r[0])
                .first_name(&r[1])
                .last_name(&r[2])
                .gender(&r[4])
                .school(&r[5])
                .postcode(&r[6]);
            base.clone().dob_str(&r[3]).unwrap_or(base)
        })
        .collect()
}
