//! Any bytes, as the body (or query) of casework and the authority's forms: allocating and closing a case, recording an instrument, planning a transfer and recording its TUPE steps, go through
//! exactly what the route does with them (`carebridge_web::fuzzing`) without a panic.
//!
//! The first byte chooses the form; the rest is the body.

#![no_main]

use carebridge_web::fuzzing::FORMS;
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &["allocate", "close", "instrument", "transfer_plan", "transfer_step"];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(choice) % NAMES.len()];
    if let Some((_, entry)) = FORMS.iter().find(|(n, _)| *n == name) {
        entry(body);
    }
});
