#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| atlas_frontend::fuzzing::spl_search(data));
