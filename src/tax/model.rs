//! Tax rates and the pure rules about them: the percentage format, what a valid rate is after
//! a create or an update ([`apply`]), and which rate applies at a destination.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::{
    pricing,
    shared::{
        geo::{CountryCode, RegionCode},
        ids::TaxRateId,
        text::{required_text, tax_class},
    },
    tax::error::{TaxError, path},
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

/// Editable rate fields; `None` leaves a field as it is (all but `region` are required on
/// create). `region: Some(None)` makes the rate country-level.
#[derive(Debug, Clone, Default)]
pub struct TaxRateFields {
    pub country: Option<String>,
    pub region: Option<Option<String>>,
    pub tax_class: Option<String>,
    pub name: Option<String>,
    /// A percentage: `20`, `8.875`.
    pub rate: Option<Decimal>,
}

const MAX_NAME: usize = 100;

fn invalid(field: &str, message: &'static str) -> TaxError {
    TaxError::Invalid { field: path([field]), message }
}

fn required(field: &str, message: &'static str) -> TaxError {
    TaxError::Required { field: path([field]), message }
}

/// Applies `f` to `current` (or builds a new rate at `now`) and checks the result: a country
/// code, an optional region code of that country, a tax class, a name of 1 to 100 characters
/// and a rate from 0 to 100 % with at most three decimals. On update what is not given stays,
/// the region too (even when the country changes), and so do the id and creation time.
///
/// # Errors
/// `Required` (country, taxClass, name, rate on create; name when blank), `Invalid` (country,
/// region, taxClass, rate), with the field's path.
pub fn apply(current: Option<&TaxRate>, f: &TaxRateFields, now: DateTime<Utc>) -> Result<TaxRate, TaxError> {
    let country = match (&f.country, current) {
        (Some(c), _) => CountryCode::parse(c)
            .map_err(|_| invalid("country", "a country is a two-letter ISO 3166-1 code such as US or DE"))?,
        (None, Some(c)) => c.country,
        (None, None) => return Err(required("country", "a country is required")),
    };
    let region = match (&f.region, current) {
        (Some(Some(r)), _) => Some(
            RegionCode::parse(r, country)
                .map_err(|_| invalid("region", "a region is an ISO 3166-2 subdivision code such as CA or US-CA"))?,
        ),
        (Some(None), _) | (None, None) => None,
        (None, Some(c)) => c.region.clone(),
    };
    let tax_class = match (&f.tax_class, current) {
        (Some(t), _) => tax_class(t)
            .ok_or_else(|| invalid("taxClass", "a tax class is 1 to 32 letters, digits, dashes or underscores"))?,
        (None, Some(c)) => c.tax_class.clone(),
        (None, None) => return Err(required("taxClass", "a tax class is required")),
    };
    let name = match (&f.name, current) {
        (Some(n), _) => required_text(n, MAX_NAME).ok_or_else(|| required("name", "a name of 1 to 100 characters"))?,
        (None, Some(c)) => c.name.clone(),
        (None, None) => return Err(required("name", "a name is required")),
    };
    let rate_pcm = match (f.rate, current) {
        (Some(p), _) => percent_to_pcm(p)
            .ok_or_else(|| invalid("rate", "a rate is a percentage from 0 to 100 with at most three decimals"))?,
        (None, Some(c)) => c.rate_pcm,
        (None, None) => return Err(required("rate", "a rate is required")),
    };
    Ok(TaxRate {
        id: current.map_or_else(TaxRateId::new, |c| c.id),
        country,
        region,
        tax_class,
        name,
        rate_pcm,
        created_at: current.map_or(now, |c| c.created_at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{error::ErrorCode, tax::error::Code};

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

    // ---------- apply ----------

    fn fields() -> TaxRateFields {
        TaxRateFields {
            country: Some("us".into()),
            region: Some(Some("ny".into())),
            tax_class: Some(" Standard ".into()),
            name: Some(" NY sales tax ".into()),
            rate: Some(d("8.875")),
        }
    }

    fn create(f: TaxRateFields) -> Result<TaxRate, TaxError> {
        apply(None, &f, Utc::now())
    }

    /// The code and field path of the user error `r` failed with.
    fn rejected(r: Result<TaxRate, TaxError>) -> (Code, String) {
        let parts = r.expect_err("should be rejected").user_error().expect("a user error");
        (parts.code, parts.field.expect("a field").join("."))
    }

    #[test]
    fn a_new_rate_is_normalized() {
        let now = Utc::now();
        let r = apply(None, &fields(), now).unwrap();
        let us = CountryCode::parse("US").unwrap();
        assert_eq!((r.country, r.region), (us, RegionCode::parse("NY", us).ok()));
        assert_eq!((r.tax_class.as_str(), r.name.as_str(), r.rate_pcm), ("standard", "NY sales tax", 8_875));
        assert_eq!(r.created_at, now);
        assert_eq!(create(TaxRateFields { region: None, ..fields() }).unwrap().region, None);
        assert_eq!(create(TaxRateFields { region: Some(None), ..fields() }).unwrap().region, None);
        assert_eq!(create(TaxRateFields { rate: Some(d("0")), ..fields() }).unwrap().rate_pcm, 0);
    }

    #[test]
    fn a_new_rate_needs_every_field_but_the_region() {
        let required = |f: &str| (Code::Required, f.to_owned());
        assert_eq!(rejected(create(TaxRateFields { country: None, ..fields() })), required("country"));
        assert_eq!(rejected(create(TaxRateFields { tax_class: None, ..fields() })), required("taxClass"));
        assert_eq!(rejected(create(TaxRateFields { name: None, ..fields() })), required("name"));
        assert_eq!(rejected(create(TaxRateFields { rate: None, ..fields() })), required("rate"));
        assert_eq!(rejected(create(TaxRateFields { name: Some("  ".into()), ..fields() })), required("name"));
        let long = TaxRateFields { name: Some("x".repeat(101)), ..fields() };
        assert_eq!(rejected(create(long)), required("name"));
        assert!(create(TaxRateFields { name: Some("x".repeat(100)), ..fields() }).is_ok());
        assert_eq!(rejected(create(TaxRateFields::default())), required("country"), "the country is checked first");
    }

    #[test]
    fn codes_classes_and_rates_are_checked() {
        let invalid = |f: &str| (Code::Invalid, f.to_owned());
        assert_eq!(rejected(create(TaxRateFields { country: Some("USA".into()), ..fields() })), invalid("country"));
        let other_country = TaxRateFields { region: Some(Some("DE-BY".into())), ..fields() };
        assert_eq!(rejected(create(other_country)), invalid("region"));
        assert_eq!(rejected(create(TaxRateFields { tax_class: Some("a b".into()), ..fields() })), invalid("taxClass"));
        for bad in ["-1", "100.001", "8.8755"] {
            assert_eq!(rejected(create(TaxRateFields { rate: Some(d(bad)), ..fields() })), invalid("rate"), "{bad}");
        }
    }

    #[test]
    fn an_empty_update_keeps_the_rate() {
        let current = create(fields()).unwrap();
        let later = current.created_at + chrono::Duration::hours(1);
        assert_eq!(apply(Some(&current), &TaxRateFields::default(), later).unwrap(), current);
    }

    #[test]
    fn an_update_replaces_what_is_given_but_never_the_id_or_creation() {
        let current = create(fields()).unwrap();
        let later = current.created_at + chrono::Duration::hours(1);
        let f = TaxRateFields {
            country: Some("DE".into()),
            region: Some(None),
            tax_class: Some("reduced".into()),
            name: Some("MwSt 7%".into()),
            rate: Some(d("7")),
        };
        let r = apply(Some(&current), &f, later).unwrap();
        assert_eq!((r.id, r.created_at), (current.id, current.created_at));
        assert_eq!((r.country.as_str(), r.region.as_ref()), ("DE", None));
        assert_eq!((r.tax_class.as_str(), r.name.as_str(), r.rate_pcm), ("reduced", "MwSt 7%", 7_000));

        let new_region = TaxRateFields { region: Some(Some("US-CA".into())), ..Default::default() };
        let r = apply(Some(&current), &new_region, later).unwrap();
        assert_eq!(r.region.as_ref().map(RegionCode::as_str), Some("CA"));
        assert_eq!((r.country, r.rate_pcm), (current.country, current.rate_pcm));
        let blank = TaxRateFields { name: Some(String::new()), ..Default::default() };
        assert_eq!(rejected(apply(Some(&current), &blank, later)), (Code::Required, "name".to_owned()));
    }
}
