//! Any bytes, as the body (or query) of the case file: notes and visits, events, drafts
//! saved as you type, the as-at date control, family members, new work and documents, go through
//! exactly what the route does with them (`carebridge_web::fuzzing`) without a panic.
//!
//! The first byte chooses the form; the rest is the body.

#![no_main]

use carebridge_web::fuzzing::FORMS;
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &[
    "note",
    "event",
    "draft",
    "as_at",
    "relationship",
    "work",
    "document",
];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(choice) % NAMES.len()];
    if let Some((_, entry)) = FORMS.iter().find(|(n, _)| *n == name) {
        entry(body);
    }
});
