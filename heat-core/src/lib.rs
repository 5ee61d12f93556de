#![doc = include_str!("../../README.md")]
//!
//! # Modules
//! - [`postcode`]: validate, normalise, parse and fix UK postcodes, and say why one is bad.
//! - [`cohort`]: date of birth → year group in each UK nation, exam years, HE-ready and tracking years.
//! - [`calendar`]: bank holidays by nation, working days and the HEAT Track deadline.

pub mod activity;
pub mod calendar;
pub mod cohort;
pub mod import;
pub mod matching;
pub mod names;
pub mod postcode;
pub mod student;
