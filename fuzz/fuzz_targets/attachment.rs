#![no_main]
//! See skrb_domain::fuzzing::attachment for what is checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| skrb_domain::fuzzing::attachment(data));
