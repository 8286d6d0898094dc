//! Differential: the real challenge parser against the separately written reference
//! recogniser (`challenge::reference`), on field values RFC 9110's grammar accepts by
//! construction.
#![no_main]

use arbitrary::Unstructured;
use authlens::challenge::reference;
use authlens_fuzz::grammar_field;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(field) = grammar_field(&mut u) else {
        return;
    };
    // The generator is part of the test: the reference must accept what it builds.
    assert!(
        reference::parse(&field).is_some(),
        "generator produced a non-grammatical {field:?}"
    );
    if let Err(e) = reference::differential(&field) {
        panic!("{e}");
    }
});
