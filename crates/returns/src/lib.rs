//! Statutory returns: the files the Department for Education collects each year, read
//! and checked against the DfE's validation rules for the collection year.
//!
//! - [`ssda903`]: the SSDA903 return (children looked after), CSV tables.
//! - [`cin`]: the CIN census (children in need), one XML file.
//! - [`annex_a`]: Ofsted's Annex A lists, made from the records (not read from files) and
//!   written as an .xlsx workbook.
//!
//! Shared by both: the collection year ([`year`]), the published rule catalogues
//! ([`catalogue`]), date reading ([`dates`]), files read with a size limit
//! ([`source`]) and what stops an import of a previous system's return ([`import`]).
//!
//! The crate is pure: it reads only the files it is handed, keeps no clock (the
//! collection year is a parameter) and never panics on bad input; bad input is a
//! [`ssda903::ReadError`] or [`cin::ReadError`] naming the file, line and field or
//! element, or a rule flag.

pub mod annex_a;
pub mod catalogue;
pub mod cin;
pub mod dates;
pub mod import;
pub mod outcome;
pub mod report;
pub mod source;
pub mod ssda903;
pub mod year;

#[cfg(test)]
mod testing;
