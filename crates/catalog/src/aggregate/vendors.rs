//! Vendor sets (the matrix's vendor filter) and rule counts per vendor.
//! Vendors are only counted and grouped here, never computed differently.

use crate::model::Vendor;

use super::Atlas;

/// A set of vendors; the empty set means "every vendor" (no filter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct VendorSet(u8);

impl VendorSet {
    pub fn all() -> VendorSet {
        VendorSet::default()
    }

    pub fn of(vendors: impl IntoIterator<Item = Vendor>) -> VendorSet {
        VendorSet(vendors.into_iter().fold(0, |bits, v| bits | 1 << v as u8))
    }

    /// Reads a comma-separated list of vendor names (`sigma,elastic`),
    /// ignoring unknown names.
    pub fn parse(text: &str) -> VendorSet {
        VendorSet::of(text.split(',').filter_map(Vendor::parse))
    }

    pub fn contains(self, vendor: Vendor) -> bool {
        self.0 == 0 || self.0 & (1 << vendor as u8) != 0
    }

    /// Whether no vendor is filtered out.
    pub fn is_all(self) -> bool {
        self.0 == 0 || self.0 == (1 << Vendor::ALL.len()) - 1
    }

    /// The set after a click on `vendor`: from "every vendor" it narrows to
    /// that vendor alone; otherwise it switches the vendor on or off, and an
    /// empty or full set means every vendor again.
    pub fn toggled(self, vendor: Vendor) -> VendorSet {
        if self.is_all() {
            return VendorSet::of([vendor]);
        }
        let next = VendorSet(self.0 ^ (1 << vendor as u8));
        if next.is_all() { VendorSet::all() } else { next }
    }

    /// The URL form: empty for every vendor, else `sigma,elastic`.
    pub fn to_param(self) -> String {
        if self.is_all() {
            return String::new();
        }
        Vendor::ALL.into_iter().filter(|v| self.contains(*v)).map(Vendor::as_str).collect::<Vec<_>>().join(",")
    }
}

/// Rule counts per vendor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VendorCounts([u32; 3]);

impl VendorCounts {
    pub fn get(&self, vendor: Vendor) -> u32 {
        self.0[vendor as usize]
    }

    pub fn total(&self) -> u32 {
        self.0.iter().sum()
    }

    /// The vendors with at least one rule, with their counts, in vendor order.
    pub fn nonzero(&self) -> impl Iterator<Item = (Vendor, u32)> + '_ {
        Vendor::ALL.into_iter().map(|v| (v, self.get(v))).filter(|(_, n)| *n > 0)
    }

    /// Counts one more rule of a vendor.
    pub(crate) fn add(&mut self, vendor: Vendor) {
        self.0[vendor as usize] += 1;
    }

    /// The given rules per vendor.
    pub(crate) fn of(atlas: &Atlas, rules: &[u32]) -> VendorCounts {
        let mut counts = VendorCounts::default();
        for rule in rules.iter().filter_map(|&p| atlas.rule(p)) {
            counts.add(rule.vendor);
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_sets_round_trip_through_the_url() {
        let set = VendorSet::parse("elastic,SIGMA,bogus");
        assert!(set.contains(Vendor::Sigma) && !set.contains(Vendor::Splunk));
        assert_eq!(set.to_param(), "sigma,elastic");
        assert_eq!(set.toggled(Vendor::Splunk), VendorSet::all());
        assert_eq!(set.toggled(Vendor::Sigma).to_param(), "elastic");
        assert_eq!(VendorSet::all().toggled(Vendor::Sigma).to_param(), "sigma");
        assert_eq!(VendorSet::of([Vendor::Sigma]).toggled(Vendor::Sigma), VendorSet::all());
        assert_eq!(VendorSet::parse("").to_param(), "");
    }
}
