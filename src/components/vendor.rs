//! Vendor labels. The vendor only picks a label and a color here; nothing
//! is computed differently per vendor.

use atlas_catalog::Vendor;
use atlas_catalog::aggregate::VendorCounts;
use leptos::prelude::*;

/// A vendor's name as a small colored badge.
#[component]
pub fn VendorBadge(vendor: Vendor) -> impl IntoView {
    view! { <span class=format!("vendor vendor-{}", vendor.as_str())>{vendor.label()}</span> }
}

/// Rule counts per vendor, as compact colored numbers with the vendor named
/// for screen readers and on hover.
#[component]
pub fn VendorTally(counts: VendorCounts) -> impl IntoView {
    counts
        .nonzero()
        .map(|(vendor, n)| {
            let label = format!("{n} {} rule{}", vendor.label(), if n == 1 { "" } else { "s" });
            view! {
                <span class=format!("tally vendor-{}", vendor.as_str()) title=label.clone() aria-label=label>
                    {n}
                </span>
            }
        })
        .collect_view()
}

/// "4 rules" / "1 rule".
pub fn rules_label(n: usize) -> String {
    format!("{n} rule{}", if n == 1 { "" } else { "s" })
}
