#![no_main]
//! See skrb_domain::fuzzing::statement_xml for what is checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| skrb_domain::fuzzing::statement_xml(data));
