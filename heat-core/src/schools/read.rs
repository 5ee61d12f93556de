//! Reading the team's files into a [`SchoolDirectory`]: a GIAS extract, then a HEAT institution
//! export added to it (either as CSV in any encoding or a workbook, found by their own column
//! names below any title rows).

use super::*;

impl SchoolDirectory {
    /// Reads a GIAS extract (CSV in any encoding, or a workbook) with GIAS's own column names:
    /// `URN` and `EstablishmentName` needed; `LA (code)`, `EstablishmentNumber`, `Postcode`,
    /// `Town`, `EstablishmentStatus (name)` and `PhaseOfEducation (name)` read when present.
    /// Rows without a URN or a name are left out.
    ///
    /// ```
    /// use heat_core::{schools::SchoolDirectory, HeatError};
    /// let e = SchoolDirectory::from_gias(b"Name,Town\nX,Y\n").unwrap_err();
    /// assert_eq!(e.code(), "no_header_row");
    /// ```
    pub fn from_gias(bytes: &[u8]) -> Result<SchoolDirectory, SchoolsError> {
        let mut d = SchoolDirectory::default();
        d.add_gias(&read_table(bytes, None)?)?;
        Ok(d)
    }

    /// [`Self::from_gias`] on a file.
    ///
    /// ```
    /// let e = heat_core::schools::SchoolDirectory::from_gias_file("/no/such/gias.csv".as_ref());
    /// assert!(e.is_err());
    /// ```
    pub fn from_gias_file(path: &std::path::Path) -> Result<SchoolDirectory, SchoolsError> {
        let mut d = SchoolDirectory::default();
        d.add_gias(&read_table_file(path, None)?)?;
        Ok(d)
    }

    fn add_gias(&mut self, table: &SheetText) -> Result<(), SchoolsError> {
        let (header, rows) = find_header(table, &[&["urn"], &["establishmentname"]]).ok_or(
            SchoolsError::NoHeader {
                file: "GIAS extract",
                needed: "URN and EstablishmentName",
            },
        )?;
        let col = |names: &[&str]| column(header, names);
        let (urn, name) = (col(&["urn"]), col(&["establishmentname"]));
        let la = col(&["la_code"]);
        let number = col(&["establishmentnumber"]);
        let postcode = col(&["postcode"]);
        let town = col(&["town"]);
        let status = col(&["establishmentstatus_name", "establishmentstatus"]);
        let phase = col(&["phaseofeducation_name", "phaseofeducation"]);
        let place_columns = [
            town,
            col(&["locality"]),
            col(&["address3"]),
            col(&["la_name"]),
            col(&["county_name", "county"]),
        ];
        for (_, cells) in rows {
            let (Some(u), Some(n)) = (cell(cells, urn), cell(cells, name)) else {
                continue;
            };
            let places: Vec<String> = place_columns
                .iter()
                .filter_map(|&c| cell(cells, c))
                .map(tidy)
                .collect();
            let laestab = match (cell(cells, la), cell(cells, number)) {
                (Some(l), Some(e)) if digits(l) && digits(e) => Some(format!("{l:0>3}{e:0>4}")),
                _ => None,
            };
            self.push(
                School {
                    urn: u.to_string(),
                    laestab,
                    heat_id: None,
                    name: n.to_string(),
                    postcode: cell(cells, postcode).map(str::to_string),
                    town: cell(cells, town).map(str::to_string),
                    open: cell(cells, status).is_none_or(|s| s.to_lowercase().starts_with("open")),
                    phase: cell(cells, phase).map(str::to_string),
                },
                places,
            );
        }
        Ok(())
    }

    /// Adds a HEAT institution export: a HEAT id column (`HEAT ID`, `Institution ID`, `ID`) and
    /// a name column (`Name`, `Institution Name`, `Institution`) needed, `URN` and `Postcode`
    /// read when present (INFERRED column names: HEAT's export is members-only; the header row
    /// may sit below title rows). Each institution gives its HEAT id to the GIAS school with its
    /// URN, else to the one with its tidied name and postcode, else joins as a school of its
    /// own. Returns how many institutions joined a GIAS school.
    ///
    /// ```
    /// use heat_core::schools::SchoolDirectory;
    /// let mut d = SchoolDirectory::from_gias(b"URN,EstablishmentName\n107956,Leeds High\n").unwrap();
    /// let joined = d.add_heat_institutions(b"HEAT ID,Institution Name,URN\n#012345,Leeds High School,107956\n").unwrap();
    /// assert_eq!(joined, 1);
    /// assert_eq!(d.find("Leeds High").school().unwrap().id(), "#012345");
    /// ```
    pub fn add_heat_institutions(&mut self, bytes: &[u8]) -> Result<usize, SchoolsError> {
        self.add_heat_table(&read_table(bytes, None)?)
    }

    fn add_heat_table(&mut self, table: &SheetText) -> Result<usize, SchoolsError> {
        let id_names: &[&str] = &["heat_id", "institution_id", "heat_institution_id", "id"];
        let name_names: &[&str] = &["name", "institution_name", "institution", "school_name"];
        let (header, rows) =
            find_header(table, &[id_names, name_names]).ok_or(SchoolsError::NoHeader {
                file: "HEAT institution export",
                needed: "a HEAT id and a name",
            })?;
        let (id, name) = (column(header, id_names), column(header, name_names));
        let urn = column(header, &["urn"]);
        let postcode = column(header, &["postcode", "post_code"]);
        let mut joined = 0;
        for (_, cells) in rows {
            let (Some(heat_id), Some(n)) = (cell(cells, id), cell(cells, name)) else {
                continue;
            };
            let pc = cell(cells, postcode);
            let by_urn = cell(cells, urn).and_then(|u| self.ids.get(&id_key(u)).copied());
            let by_name = || {
                self.same.get(&tidy(n)).and_then(|found| {
                    let near: Vec<usize> = found
                        .iter()
                        .copied()
                        .filter(|&i| {
                            pc.is_none() || same_postcode(self.schools[i].postcode.as_deref(), pc)
                        })
                        .collect();
                    (near.len() == 1).then(|| near[0])
                })
            };
            match by_urn.or_else(by_name) {
                Some(i) => {
                    self.schools[i].heat_id = Some(heat_id.to_string());
                    self.ids.insert(id_key(heat_id), i);
                    joined += 1;
                }
                None => self.push(
                    School {
                        urn: String::new(),
                        laestab: None,
                        heat_id: Some(heat_id.to_string()),
                        name: n.to_string(),
                        postcode: pc.map(str::to_string),
                        town: None,
                        open: true,
                        phase: None,
                    },
                    Vec::new(),
                ),
            }
        }
        Ok(joined)
    }

    /// [`Self::add_heat_institutions`] on a file.
    ///
    /// ```
    /// let mut d = heat_core::schools::SchoolDirectory::default();
    /// assert!(d.add_heat_institutions_file("/no/such/export.csv".as_ref()).is_err());
    /// ```
    pub fn add_heat_institutions_file(
        &mut self,
        path: &std::path::Path,
    ) -> Result<usize, SchoolsError> {
        self.add_heat_table(&read_table_file(path, None)?)
    }

    fn push(&mut self, school: School, places: Vec<String>) {
        let i = self.schools.len();
        self.spellings = Default::default();
        self.places.extend(places.iter().cloned());
        self.school_places.push(places);
        self.same.entry(tidy(&school.name)).or_default().push(i);
        self.core.entry(core(&school.name)).or_default().push(i);
        for id in [
            Some(&school.urn),
            school.laestab.as_ref(),
            school.heat_id.as_ref(),
        ]
        .into_iter()
        .flatten()
        .filter(|id| !id.is_empty())
        {
            self.ids.insert(id_key(id), i);
        }
        self.schools.push(school);
    }
}

/// A table row: its spreadsheet row number and cells.
type NumberedRow = (usize, Vec<String>);

/// The first row (within the title rows a person may add) holding one of each set of names,
/// and the rows below it.
fn find_header<'t>(
    table: &'t SheetText,
    needed: &[&[&str]],
) -> Option<(&'t [String], &'t [NumberedRow])> {
    table
        .rows
        .iter()
        .take(MAX_TITLE_ROWS + 1)
        .position(|(_, cells)| needed.iter().all(|names| column(cells, names).is_some()))
        .map(|i| (table.rows[i].1.as_slice(), &table.rows[i + 1..]))
}

fn column(header: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| header.iter().position(|h| header_key(h) == *n))
}

fn cell(cells: &[String], i: Option<usize>) -> Option<&str> {
    i.and_then(|i| cells.get(i))
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
}
