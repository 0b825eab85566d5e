//! Statutory returns: the files the Department for Education collects each year, read
//! and checked against the DfE's validation rules for the collection year.
//!
//! So far: the SSDA903 return (children looked after), in [`ssda903`]. The CIN census
//! comes later.
//!
//! The crate is pure: it reads only the files it is handed, keeps no clock (the
//! collection year is a parameter) and never panics on bad input; bad input is a
//! [`ssda903::ReadError`] naming the file, line and field, or a rule flag.

pub mod ssda903;
