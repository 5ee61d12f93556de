#![doc = include_str!("../../README.md")]
//!
//! # Modules
//! - [`postcode`]: validate, normalise, parse and fix UK postcodes, and say why one is bad.

pub mod postcode;
