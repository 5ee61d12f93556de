#![doc = include_str!("../README.md")]
//!
//! # Modules
//! - [`postcode`]: validate, normalise, parse and fix UK postcodes, and say why one is bad.
//! - [`nation`]: the four UK nations.
//! - [`cohort`]: date of birth → year group in each UK nation, exam years, HE-ready and tracking years.
//! - [`calendar`]: bank holidays by nation, working days and the HEAT Track deadline.
//! - [`fields`]: one reader per student or activity field, used by every path.
//! - [`names`], [`matching`]: duplicate students.
//! - [`name_case`]: name tidying (title case by UK rules, accents kept, digits flagged).
//! - [`activity`], [`student`], [`import`]: activities, tracking status and bulk uploads.
//! - [`schools`]: schools typed by name, found in the GIAS extract and HEAT institution export.
//! - [`clean`]: the clean job (every row with its status and problems) and its outputs.
//! - [`error`]: the [`HeatError`] family every error belongs to.
//! - [`cells`]: values made safe to open in a spreadsheet (formula cells written as text).

#[cfg(feature = "activity")]
pub mod activity;
#[cfg(feature = "areas")]
pub mod areas;
#[cfg(feature = "cohort")]
pub mod calendar;
pub mod cells;
#[cfg(feature = "report")]
pub mod clean;
pub mod codes;
#[cfg(feature = "cohort")]
pub mod cohort;
pub mod error;
#[cfg(feature = "fields")]
pub mod fields;
#[cfg(feature = "import")]
pub mod import;
#[cfg(feature = "matching")]
pub mod matching;
#[cfg(feature = "names")]
pub mod name_case;
#[cfg(feature = "names")]
pub mod names;
#[cfg(feature = "cohort")]
pub mod nation;
#[cfg(feature = "postcode")]
pub mod postcode;
#[cfg(feature = "csv")]
pub mod rows;
#[cfg(feature = "schools")]
pub mod schools;
#[cfg(feature = "fields")]
pub mod student;
#[cfg(feature = "parallel")]
pub mod workers;

pub use error::{ArgumentError, ErrorKind, HeatError};

/// The root README's examples, run as doctests (outside the published crate, so not part of it).
#[cfg(all(doctest, feature = "report"))]
#[doc = include_str!("../../README.md")]
pub struct RootReadme;

/// The docs site's rules page, its Rust examples run as doctests too.
#[cfg(all(doctest, feature = "report"))]
#[doc = include_str!("../../docs/rules.md")]
pub struct RulesPage;

/// The docs site's guide for Rust developers, its examples run as doctests too.
#[cfg(all(doctest, feature = "report"))]
#[doc = include_str!("../../docs/rust.md")]
pub struct RustGuide;
