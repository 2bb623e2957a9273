#![no_main]
//! See skrb_domain::fuzzing::statement_csv for what is checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| skrb_domain::fuzzing::statement_csv(data));
