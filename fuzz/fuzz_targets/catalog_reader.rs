#![no_main]

use libfuzzer_sys::fuzz_target;

// The app's own reader (header checks and error messages included), then the
// index the app builds over every catalog it reads.
fuzz_target!(|data: &[u8]| {
    atlas_frontend::fuzzing::catalog_reader(data, |bytes| {
        rule_atlas_app::load::parse_catalog("catalog/catalog.json", bytes)
    })
});
