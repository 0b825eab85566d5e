//! Any bytes, as the body (or query) of the records and governance forms: registering a child, break-glass, restriction, the break-glass review, the subject access request, the search box, signing in and out, go through
//! exactly what the route does with them (`carebridge_web::fuzzing`) without a panic.
//!
//! The first byte chooses the form; the rest is the body.

#![no_main]

use carebridge_web::fuzzing::FORMS;
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &["registration", "break_glass", "restriction", "review", "subject_access", "search", "sign_in", "sign_out"];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(choice) % NAMES.len()];
    if let Some((_, entry)) = FORMS.iter().find(|(n, _)| *n == name) {
        entry(body);
    }
});
