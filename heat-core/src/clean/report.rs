//! The data-quality report: one self-contained HTML page for an upload (inline styles and SVG
//! charts drawn with `plotters`, no script, nothing fetched), that opens from disk in any browser.
//! It holds counts and row numbers only, never a student's name, date of birth or postcode, so it
//! can be shared with a manager.
//!
//! Sections, each with a stable `id`: `reconcile` (rows in = ok + fixed + needs attention +
//! rejected, skipped apart), `chart-status`, `chart-postcodes` (postcodes by status and reason),
//! `grid-year-groups` (stated year group against the one the date of birth gives), `chart-dob`
//! (students by year group from their date of birth), `chart-funnel` (completeness and KS4 / KS5
//! / HESA eligibility, with the reasons), `chart-duplicates` (a waterfall of each likely
//! duplicate's field weights), `chart-problems` (problems by column) and `schools` (per school).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use plotters::prelude::*;

use super::view::View;
use super::{column_label, CleanOutcome, RowStatus, StudentRow};
use crate::activity::Severity;
use crate::import::RowCode;

/// How many duplicate pairs get a waterfall chart (the most likely first).
pub const MAX_WATERFALLS: usize = 6;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const FONT: &str = "sans-serif";

/// The label of segment `v` of a segmented axis (its centre), from `labels`.
fn segment_label(labels: &[String], v: &SegmentValue<usize>) -> String {
    match v {
        SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

/// A horizontal bar chart as SVG text: one bar per label, top to bottom.
fn bars(labels: &[String], values: &[f64], colour: RGBColor) -> String {
    let n = labels.len().max(1);
    let height = 48 + 30 * n as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let max = values.iter().copied().fold(0.0f64, f64::max).max(1.0) * 1.15;
        // Bars top to bottom: label i sits in segment n - 1 - i.
        let reversed: Vec<String> = labels.iter().rev().cloned().collect();
        let chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(230)
            .build_cartesian_2d(0f64..max, (0..n).into_segmented());
        if let Ok(mut chart) = chart {
            let label_of = |v: &SegmentValue<usize>| segment_label(&reversed, v);
            let _ = chart
                .configure_mesh()
                .disable_y_mesh()
                .light_line_style(WHITE)
                .x_labels(6)
                .y_labels(n)
                .y_label_formatter(&label_of)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .label_style((FONT, 13))
                .draw();
            let _ = chart.draw_series(values.iter().enumerate().map(|(i, v)| {
                let seg = n - 1 - i;
                let mut bar = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(seg)),
                        (*v, SegmentValue::Exact(seg + 1)),
                    ],
                    colour.filled(),
                );
                bar.set_margin(4, 4, 0, 0);
                bar
            }));
            let _ = chart.draw_series(values.iter().enumerate().map(|(i, v)| {
                Text::new(
                    format!(" {v:.0}"),
                    (*v, SegmentValue::CenterOf(n - 1 - i)),
                    (FONT, 12).into_font(),
                )
            }));
        }
        let _ = root.present();
    }
    svg
}

/// A waterfall of one pair's weights (bits): each step from the running total, the total last.
fn waterfall(steps: &[(String, f64)]) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 280)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let mut running = 0.0;
        let mut spans = Vec::new();
        for (_, w) in steps {
            spans.push((running, running + w));
            running += w;
        }
        spans.push((0.0, running));
        let lo = spans.iter().map(|s| s.0.min(s.1)).fold(0.0f64, f64::min) - 2.0;
        let hi = spans.iter().map(|s| s.0.max(s.1)).fold(0.0f64, f64::max) + 2.0;
        let n = spans.len();
        let mut names: Vec<String> = steps.iter().map(|(s, _)| s.clone()).collect();
        names.push("total".into());
        let chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(56)
            .y_label_area_size(44)
            .build_cartesian_2d((0..n).into_segmented(), lo..hi);
        if let Ok(mut chart) = chart {
            let label_of = |v: &SegmentValue<usize>| segment_label(&names, v);
            let _ = chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(WHITE)
                .y_labels(6)
                .x_labels(n)
                .x_label_formatter(&label_of)
                .y_desc("bits")
                .label_style((FONT, 10))
                .draw();
            let _ = chart.draw_series(spans.iter().enumerate().map(|(i, (a, b))| {
                let colour = if i + 1 == n {
                    RGBColor(0x2b, 0x6c, 0xb0)
                } else if b >= a {
                    RGBColor(0x2f, 0x85, 0x5a)
                } else {
                    RGBColor(0xc5, 0x30, 0x30)
                };
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), *a),
                        (SegmentValue::Exact(i + 1), *b),
                    ],
                    colour.filled(),
                );
                bar.set_margin(0, 0, 6, 6);
                bar
            }));
        }
        let _ = root.present();
    }
    svg
}

/// Where a row's postcode stands: valid, fixed, missing, special or the reason it is invalid.
fn postcode_state(s: &StudentRow) -> String {
    let Some(p) = s.problems.iter().find(|p| p.column == "postcode") else {
        return "valid".into();
    };
    match RowCode::from_code(p.code) {
        Some(RowCode::Fixed) => "fixed".into(),
        Some(RowCode::Missing) => "missing".into(),
        _ => format!("invalid: {}", p.code.replace('_', " ")),
    }
}

fn section(html: &mut String, id: &str, title: &str, body: &str) {
    let _ = writeln!(
        html,
        "<section id=\"{id}\"><h2>{}</h2>{body}</section>",
        escape(title)
    );
}

fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut t = String::from("<table><thead><tr>");
    for h in header {
        let _ = write!(t, "<th>{}</th>", escape(h));
    }
    t.push_str("</tr></thead><tbody>");
    for r in rows {
        t.push_str("<tr>");
        for c in r {
            let _ = write!(t, "<td>{}</td>", escape(c));
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table>");
    t
}

/// Counts by key, in key order.
fn tally<K: Ord>(keys: impl Iterator<Item = K>) -> BTreeMap<K, usize> {
    let mut m = BTreeMap::new();
    for k in keys {
        *m.entry(k).or_insert(0) += 1;
    }
    m
}

/// The report as one HTML page (see the module docs). `title` heads it (a file name, say).
///
/// ```
/// use heat_core::clean::{clean_students, report, CleanSettings};
/// use heat_core::import::{validate_import, Template};
/// let s = CleanSettings::on("2026-12-01".parse().unwrap());
/// let up = validate_import(b"first,last,dob,postcode,year\nAnn,Lee,2011-01-02,M1 1AE,Yr 11\nBo,Reid,x,M1,\n", Template::Students, &s.import).unwrap();
/// let html = report::html_report(&clean_students(up, &s).unwrap(), "students.csv");
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// for id in ["reconcile", "chart-status", "chart-postcodes", "grid-year-groups", "chart-dob",
///            "chart-funnel", "chart-duplicates", "chart-problems", "schools"] {
///     assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
/// }
/// assert!(!html.contains("Ann") && !html.contains("M1 1AE")); // no student's values
/// assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("href=")); // nothing fetched
/// ```
pub fn html_report(out: &CleanOutcome, title: &str) -> String {
    html_report_of(&View::all(out), title)
}

/// [`html_report`] of rows held in runs.
pub(crate) fn html_report_of(view: &View<'_>, title: &str) -> String {
    let out = view.out;
    let mut html = String::new();
    report_head(&mut html, out, title);
    reconcile_section(&mut html, &out.counts);
    status_chart(&mut html, &out.counts);
    postcode_chart(&mut html, view);
    if let Some(a) = &out.areas {
        area_sections(&mut html, a);
    }
    year_group_grid(&mut html, view);
    dob_chart(&mut html, view);
    funnel_section(&mut html, view);
    duplicates_section(&mut html, view);
    problems_section(&mut html, view);
    schools_section(&mut html, view);
    html.push_str("</body></html>\n");
    html
}

/// The page's head: title, style, and how the file was read.
fn report_head(html: &mut String, out: &CleanOutcome, title: &str) {
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>heatkit data-quality report: {t}</title><style>{STYLE}</style></head><body>\
         <h1>Data-quality report: {t}</h1><p class=\"meta\">Read as {enc}{sheet}; header on row {hr}. \
         Made by heatkit {v}. Counts and row numbers only: no student's details are in this page.</p>\n",
        t = escape(title),
        enc = escape(out.import.encoding),
        sheet = out
            .import
            .sheet
            .as_ref()
            .map(|s| format!(", sheet {}", escape(s)))
            .unwrap_or_default(),
        hr = out.import.header_row,
        v = env!("CARGO_PKG_VERSION"),
    );
}

/// Rows in and out, and whether they add up.
fn reconcile_section(html: &mut String, c: &super::StatusCounts) {
    let recon = vec![
        vec!["Rows read".into(), c.rows_in.to_string()],
        vec!["Ok".into(), c.ok.to_string()],
        vec!["Fixed".into(), c.fixed.to_string()],
        vec!["Needs attention".into(), c.needs_attention.to_string()],
        vec!["Rejected".into(), c.rejected.to_string()],
        vec![
            "Skipped (blank or total rows, not students)".into(),
            c.skipped.to_string(),
        ],
    ];
    let balanced = c.rows_in == c.ok + c.fixed + c.needs_attention + c.rejected;
    section(
        html,
        "reconcile",
        "Rows in and out",
        &format!(
            "{}<p class=\"{}\">{} rows read = {} ok + {} fixed + {} needs attention + {} rejected{}.</p>",
            table(&["", "rows"], &recon),
            if balanced { "ok" } else { "bad" },
            c.rows_in,
            c.ok,
            c.fixed,
            c.needs_attention,
            c.rejected,
            if balanced { "" } else { " (does not add up)" }
        ),
    );
}

/// Rows by status.
fn status_chart(html: &mut String, c: &super::StatusCounts) {
    let labels: Vec<String> = RowStatus::ALL
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    let values: Vec<f64> = RowStatus::ALL.iter().map(|s| c.of(*s) as f64).collect();
    section(
        html,
        "chart-status",
        "Rows by status",
        &bars(&labels, &values, RGBColor(0x2b, 0x6c, 0xb0)),
    );
}

/// Postcodes by status.
fn postcode_chart(html: &mut String, view: &View<'_>) {
    let postcodes = tally(view.rows().map(postcode_state));
    let (labels, values): (Vec<String>, Vec<f64>) = postcodes
        .iter()
        .map(|(k, v)| (k.clone(), *v as f64))
        .unzip();
    section(
        html,
        "chart-postcodes",
        "Postcodes by status",
        &bars(&labels, &values, RGBColor(0x6b, 0x46, 0xc1)),
    );
}

/// Stated year group against the one the date of birth gives.
fn year_group_grid(html: &mut String, view: &View<'_>) {
    // Stated year group (rows) against the date of birth's (columns).
    let grid = tally(view.rows().filter_map(|s| {
        let stated = s.value("year_group");
        let derived = s.derived.as_ref()?;
        Some((
            if stated.is_empty() { "(blank)" } else { stated }.to_string(),
            derived.year_group.clone(),
        ))
    }));
    let mut cols: Vec<&String> = grid.keys().map(|(_, d)| d).collect();
    cols.sort_by_key(|d| year_order(d));
    cols.dedup();
    let mut rows: Vec<&String> = grid.keys().map(|(s, _)| s).collect();
    rows.sort_by_key(|s| year_order(s));
    rows.dedup();
    let mut g =
        String::from("<table class=\"grid\"><thead><tr><th>stated \\ from date of birth</th>");
    for col in &cols {
        let _ = write!(g, "<th>{}</th>", escape(col));
    }
    g.push_str("</tr></thead><tbody>");
    for r in &rows {
        let _ = write!(g, "<tr><th>{}</th>", escape(r));
        for col in &cols {
            let n = grid
                .get(&((*r).clone(), (*col).clone()))
                .copied()
                .unwrap_or(0);
            let class = match (n, r == col) {
                (0, _) => "",
                (_, true) => "match",
                _ => "off",
            };
            let _ = write!(
                g,
                "<td class=\"{class}\">{}</td>",
                if n > 0 { n.to_string() } else { String::new() }
            );
        }
        g.push_str("</tr>");
    }
    g.push_str("</tbody></table><p>Green: the stated year group is the one the date of birth gives; red: it is not (check either).</p>");
    section(
        html,
        "grid-year-groups",
        "Year group: stated against date of birth",
        &g,
    );
}

/// Students by year group from their date of birth.
fn dob_chart(html: &mut String, view: &View<'_>) {
    let mut by_year: Vec<(String, usize)> = tally(
        view.rows()
            .filter_map(|s| s.derived.as_ref().map(|d| d.year_group.clone())),
    )
    .into_iter()
    .collect();
    by_year.sort_by_key(|(y, _)| year_order(y));
    let (labels, values): (Vec<String>, Vec<f64>) =
        by_year.into_iter().map(|(k, v)| (k, v as f64)).unzip();
    section(
        html,
        "chart-dob",
        "Students by year group from their date of birth",
        &bars(&labels, &values, RGBColor(0x2f, 0x85, 0x5a)),
    );
}

/// Completeness and tracking eligibility, and why not.
fn funnel_section(html: &mut String, view: &View<'_>) {
    let (out, c) = (view.out, &view.out.counts);
    let t = &out.tracking;
    let imported = c.rows_in - c.rejected;
    let funnel_labels: Vec<String> = [
        "rows read",
        "imported",
        "complete for tracking",
        "eligible: KS4 track",
        "eligible: KS5 track",
        "eligible: next HESA track",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let funnel_values = [
        c.rows_in,
        imported,
        t.complete,
        t.ks4_eligible,
        t.ks5_eligible,
        t.hesa_eligible,
    ]
    .map(|v| v as f64);
    let reasons: Vec<Vec<String>> = t
        .not_hesa_because
        .iter()
        .map(|(why, n)| vec![why.clone(), n.to_string()])
        .collect();
    let incomplete = tally(
        view.rows()
            .filter(|s| s.status != RowStatus::Rejected)
            .flat_map(|s| s.tracking.problems.iter().copied()),
    );
    let incomplete: Vec<Vec<String>> = incomplete
        .into_iter()
        .map(|(f, n)| vec![f.replace('_', " "), n.to_string()])
        .collect();
    section(
        html,
        "chart-funnel",
        "Completeness and tracking eligibility",
        &format!(
            "{}<div class=\"two\"><div><h3>Not complete because of</h3>{}</div><div><h3>Not in the next HESA track because</h3>{}</div></div>",
            bars(&funnel_labels, &funnel_values, RGBColor(0xb7, 0x79, 0x1f)),
            table(&["field", "students"], &incomplete),
            table(&["reason", "students"], &reasons)
        ),
    );
}

/// The likely duplicates, strongest first, each with its waterfall of evidence.
fn duplicates_section(html: &mut String, view: &View<'_>) {
    let (out, c) = (view.out, &view.out.counts);
    let mut dups: Vec<&StudentRow> = view.rows().filter(|s| s.duplicate.is_some()).collect();
    dups.sort_by(|a, b| {
        let p = |s: &StudentRow| s.duplicate.as_ref().map_or(0.0, |d| d.probability);
        p(b).total_cmp(&p(a))
    });
    let mut d = format!(
        "<p>{} rows are likely copies of an earlier row ({} pairs compared). Each chart adds the \
         weight of evidence (bits) from the prior to the total: green for agreement, red against.</p>",
        c.duplicates, out.matching.candidate_pairs
    );
    for s in dups.iter().take(MAX_WATERFALLS) {
        if let Some(dup) = &s.duplicate {
            let steps: Vec<(String, f64)> = dup
                .steps
                .iter()
                .map(|e| {
                    (
                        format!(
                            "{} ({})",
                            e.step.replace('_', " "),
                            e.level.replace('_', " ")
                        ),
                        e.weight,
                    )
                })
                .collect();
            let _ = write!(
                d,
                "<figure><figcaption>Row {} and row {}: {:.1}% likely one student</figcaption>{}</figure>",
                s.row,
                dup.of_row,
                dup.probability * 100.0,
                waterfall(&steps)
            );
        }
    }
    if dups.is_empty() {
        d.push_str("<p class=\"ok\">No likely duplicates.</p>");
    }
    section(html, "chart-duplicates", "Likely duplicates", &d);
}

/// Problems by column and code.
fn problems_section(html: &mut String, view: &View<'_>) {
    let problems = tally(
        view.rows()
            .flat_map(|s| s.problems.iter())
            .map(|p| column_label(&p.column).to_string()),
    );
    let (labels, values): (Vec<String>, Vec<f64>) =
        problems.iter().map(|(k, v)| (k.clone(), *v as f64)).unzip();
    let by_code: Vec<Vec<String>> = tally(view.rows().flat_map(|s| {
        s.problems.iter().map(|p| {
            (
                column_label(&p.column).to_string(),
                p.code,
                if p.severity == Severity::Error {
                    "stops the row"
                } else {
                    "to check"
                },
            )
        })
    }))
    .into_iter()
    .map(|((col, code, sev), n)| vec![col, code.replace('_', " "), sev.to_string(), n.to_string()])
    .collect();
    section(
        html,
        "chart-problems",
        "Problems by column",
        &format!(
            "{}{}",
            bars(&labels, &values, RGBColor(0xc5, 0x30, 0x30)),
            table(&["column", "problem", "severity", "rows"], &by_code)
        ),
    );
}

/// Rows by school and status.
fn schools_section(html: &mut String, view: &View<'_>) {
    let mut schools: BTreeMap<String, [usize; 5]> = BTreeMap::new();
    for s in view.rows() {
        let school = match s.value("school_id") {
            "" => "(no school)".to_string(),
            v => v.to_string(),
        };
        let e = schools.entry(school).or_insert([0; 5]);
        e[0] += 1;
        e[1 + s.status as usize] += 1;
    }
    let rows: Vec<Vec<String>> = schools
        .into_iter()
        .map(|(k, v)| {
            std::iter::once(k)
                .chain(v.iter().map(|n| n.to_string()))
                .collect()
        })
        .collect();
    section(
        html,
        "schools",
        "By school",
        &table(
            &[
                "school",
                "rows",
                "ok",
                "fixed",
                "needs attention",
                "rejected",
            ],
            &rows,
        ),
    );
}

/// Sort key for year-group labels: Reception, Year 1 … Year 14, then anything else.
/// Students by IMD quintile and by POLAR4 quintile, each with the share from quintiles 1–2
/// (the measure Access and Participation Plans report) and the students without one.
fn area_sections(html: &mut String, a: &super::areas::AreaSummary) {
    let labels: Vec<String> = (1..=5)
        .map(|q| format!("Q{q}"))
        .chain(["none".to_string()])
        .collect();
    for (id, title, q, what) in [
        (
            "chart-imd",
            "Students by IMD quintile (1 = most deprived)",
            &a.imd,
            "the nation's own index: IMD in England, WIMD, SIMD, NIMDM",
        ),
        (
            "chart-polar4",
            "Students by POLAR4 quintile (1 = lowest HE participation)",
            &a.polar4,
            "the OfS look-up",
        ),
    ] {
        let values: Vec<f64> = q
            .counts
            .iter()
            .map(|v| *v as f64)
            .chain([q.missing as f64])
            .collect();
        let share = match q.share_q1_q2() {
            Some(f) => format!(
                "<p><strong>{:.1}%</strong> of the {} students with a quintile are in quintiles 1–2 ({} students); {} have none (see the area_notes column).</p>",
                f * 100.0,
                q.counts.iter().sum::<usize>(),
                q.counts[0] + q.counts[1],
                q.missing
            ),
            None => format!(
                "<p>No student has a quintile from {what} ({} without one: see the area_notes column).</p>",
                q.missing
            ),
        };
        let body = format!(
            "{}{share}<p class=\"meta\">From {what}. Area look-ups: {}.</p>",
            bars(&labels, &values, RGBColor(0x2f, 0x85, 0x5a)),
            escape(&a.index)
        );
        section(html, id, title, &body);
    }
}

fn year_order(label: &str) -> (u8, i32, String) {
    if label.eq_ignore_ascii_case("reception") {
        return (0, 0, String::new());
    }
    let digits: String = label.chars().filter(char::is_ascii_digit).collect();
    match digits.parse::<i32>() {
        Ok(n) => (1, n, label.to_string()),
        Err(_) => (2, 0, label.to_string()),
    }
}

const STYLE: &str = "body{font-family:sans-serif;max-width:820px;margin:2em auto;color:#1a202c;padding:0 1em}\
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:2px solid #e2e8f0;padding-bottom:.2em;margin-top:2em}\
h3{font-size:1em}.meta{color:#4a5568}table{border-collapse:collapse;margin:.5em 0}\
th,td{border:1px solid #cbd5e0;padding:.25em .6em;text-align:left}td{text-align:right}\
.grid td.match{background:#c6f6d5}.grid td.off{background:#fed7d7}.ok{color:#276749}.bad{color:#c53030;font-weight:bold}\
.two{display:flex;gap:2em;flex-wrap:wrap}figure{margin:1em 0}figcaption{font-weight:bold}svg{max-width:100%;height:auto}";
