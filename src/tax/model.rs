//! Tax rates and the pure rules about them: the percentage format, and which rate applies at a
//! destination.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::{
    pricing,
    shared::{
        geo::{CountryCode, RegionCode},
        ids::TaxRateId,
    },
};

/// Per cent mille in one percent: rates are stored as thousandths of a percent.
const PCM_PER_PERCENT: i64 = 1000;

/// The tax rate for one tax class at a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxRate {
    pub id: TaxRateId,
    pub country: CountryCode,
    /// `None`: the whole country (unless a region has its own rate for the class).
    pub region: Option<RegionCode>,
    pub tax_class: String,
    /// A display name, e.g. "VAT 20%".
    pub name: String,
    /// Per cent mille (thousandths of a percent): 20 % = 20000, 8.875 % = 8875.
    pub rate_pcm: i32,
    pub created_at: DateTime<Utc>,
}

impl TaxRate {
    /// The rate as a percentage: `20`, `8.875`.
    pub fn percent(&self) -> Decimal {
        Decimal::new(i64::from(self.rate_pcm), 3).normalize()
    }

    /// The rate as pricing uses it: a fraction (`0.2` for 20 %).
    pub fn to_pricing(&self) -> pricing::TaxRate {
        pricing::TaxRate {
            tax_class: self.tax_class.clone(),
            name: self.name.clone(),
            rate: Decimal::new(i64::from(self.rate_pcm), 5).normalize(),
        }
    }
}

/// A percentage, 0 to 100 with at most three decimals, in per cent mille: `8.875` → `8875`.
pub fn percent_to_pcm(p: Decimal) -> Option<i32> {
    if (p.is_sign_negative() && !p.is_zero()) || p > Decimal::ONE_HUNDRED || p.normalize().scale() > 3 {
        return None;
    }
    let mut pcm = p * Decimal::from(PCM_PER_PERCENT);
    pcm.rescale(0);
    i32::try_from(pcm.mantissa()).ok()
}

/// The rates that apply at an address in `region` (if known), one per tax class, by class:
/// a rate for that region overrides the country-level rate of the same class; rates of other
/// regions never apply. `rates` are the country's rates.
pub fn effective_rates(rates: &[TaxRate], region: Option<&RegionCode>) -> Vec<pricing::TaxRate> {
    let mut by_class: BTreeMap<&str, &TaxRate> = BTreeMap::new();
    for rate in rates {
        match &rate.region {
            None => {
                by_class.entry(&rate.tax_class).or_insert(rate);
            }
            Some(r) if Some(r) == region => {
                by_class.insert(&rate.tax_class, rate);
            }
            Some(_) => {}
        }
    }
    by_class.values().map(|r| r.to_pricing()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn rate(region: Option<&str>, class: &str, pcm: i32) -> TaxRate {
        let us = CountryCode::parse("US").unwrap();
        TaxRate {
            id: TaxRateId::new(),
            country: us,
            region: region.map(|r| RegionCode::parse(r, us).unwrap()),
            tax_class: class.into(),
            name: format!("{class} {pcm}"),
            rate_pcm: pcm,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn percentages_have_three_decimals_at_most() {
        assert_eq!(percent_to_pcm(d("20")), Some(20_000));
        assert_eq!(percent_to_pcm(d("8.875")), Some(8_875));
        assert_eq!(percent_to_pcm(d("0")), Some(0));
        assert_eq!(percent_to_pcm(d("100")), Some(100_000));
        assert_eq!(percent_to_pcm(d("7.2500")), Some(7_250), "trailing zeros are not precision");
        for bad in ["-1", "100.001", "8.8755"] {
            assert_eq!(percent_to_pcm(d(bad)), None, "{bad}");
        }
    }

    #[test]
    fn a_rate_reads_as_a_percent_and_as_a_fraction() {
        let r = rate(None, "standard", 8_875);
        assert_eq!(r.percent(), d("8.875"));
        assert_eq!(r.to_pricing().rate, d("0.08875"));
        assert_eq!(rate(None, "standard", 20_000).to_pricing().rate, d("0.2"));
    }

    #[test]
    fn a_region_rate_overrides_the_country_rate_of_its_class_only() {
        let us = CountryCode::parse("US").unwrap();
        let ny = RegionCode::parse("NY", us).unwrap();
        let rates = [
            rate(Some("NY"), "standard", 8_875),
            rate(None, "standard", 5_000),
            rate(None, "reduced", 1_000),
            rate(Some("CA"), "standard", 7_250),
            rate(Some("CA"), "zero", 0),
        ];
        let in_ny = effective_rates(&rates, Some(&ny));
        let classes: Vec<(&str, Decimal)> = in_ny.iter().map(|r| (r.tax_class.as_str(), r.rate)).collect();
        assert_eq!(classes, [("reduced", d("0.01")), ("standard", d("0.08875"))]);
        let unknown_region = effective_rates(&rates, None);
        let classes: Vec<(&str, Decimal)> = unknown_region.iter().map(|r| (r.tax_class.as_str(), r.rate)).collect();
        assert_eq!(classes, [("reduced", d("0.01")), ("standard", d("0.05"))]);
    }
}
