//! Shipping zones and methods, and the pure rules about them: which addresses an area covers,
//! which vendors a method serves, how weight tiers must be ordered, and what a valid zone
//! ([`new_zone`], [`ZoneChanges`]) or method ([`apply_method`]) is after a create or an update.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::{
    pricing::{DEFAULT_TAX_CLASS, ShippingMethodRule, ShippingRate, WeightTier},
    shared::{
        geo::{CountryCode, RegionCode},
        ids::{ShippingMethodId, ShippingZoneId, VendorId},
        money::{Currency, Money, MoneyError},
        text::{required_text, tax_class},
    },
    shipping::error::{FieldPath, ShippingError, path},
};

/// A country, or one region of it, that a zone covers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Area {
    pub country: CountryCode,
    /// `None`: the whole country.
    pub region: Option<RegionCode>,
}

impl Area {
    /// Whether an address in `country` (and `region`, when known) is in this area. An area
    /// without a region covers every region of its country.
    pub fn covers(&self, country: CountryCode, region: Option<&RegionCode>) -> bool {
        self.country == country && self.region.as_ref().is_none_or(|r| Some(r) == region)
    }
}

/// A named set of areas that share shipping methods.
#[derive(Debug, Clone, PartialEq)]
pub struct ShippingZone {
    pub id: ShippingZoneId,
    pub name: String,
    pub areas: Vec<Area>,
    pub created_at: DateTime<Utc>,
}

/// A way to ship a vendor's goods to the areas of one zone.
#[derive(Debug, Clone, PartialEq)]
pub struct ShippingMethod {
    pub id: ShippingMethodId,
    pub zone_id: ShippingZoneId,
    /// `None`: offered for every vendor's goods.
    pub vendor_id: Option<VendorId>,
    pub name: String,
    pub rate: ShippingRate,
    pub free_over: Option<Money>,
    pub tax_class: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl ShippingMethod {
    /// Whether the method may ship `vendor`'s goods.
    pub fn serves(&self, vendor: VendorId) -> bool {
        self.vendor_id.is_none_or(|v| v == vendor)
    }

    /// The method as pricing sees it.
    pub fn to_rule(&self) -> ShippingMethodRule {
        ShippingMethodRule {
            id: self.id,
            name: self.name.clone(),
            rate: self.rate.clone(),
            free_over: self.free_over,
            tax_class: self.tax_class.clone(),
        }
    }
}

/// What is wrong with a list of weight tiers, and at which tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierProblem {
    /// There are no tiers.
    Empty,
    /// An open-ended tier (no upper bound) that is not the last one.
    OpenEndedNotLast(usize),
    /// A bound not above the previous tier's bound.
    NotAscending(usize),
}

/// Tiers must have strictly ascending bounds; only the last may be open-ended ("and above").
pub fn check_tiers(tiers: &[WeightTier]) -> Result<(), TierProblem> {
    if tiers.is_empty() {
        return Err(TierProblem::Empty);
    }
    let mut previous: Option<u32> = None;
    for (i, t) in tiers.iter().enumerate() {
        match t.up_to_grams {
            None if i + 1 != tiers.len() => return Err(TierProblem::OpenEndedNotLast(i)),
            None => {}
            Some(g) => {
                if previous.is_some_and(|p| g <= p) {
                    return Err(TierProblem::NotAscending(i));
                }
                previous = Some(g);
            }
        }
    }
    Ok(())
}

/// An area as given by a caller: a country code and an optional region code.
#[derive(Debug, Clone)]
pub struct AreaInput {
    pub country: String,
    pub region: Option<String>,
}

/// Editable zone fields; `None` leaves a field as it is. Given areas replace the old ones.
#[derive(Debug, Clone, Default)]
pub struct ZoneFields {
    pub name: Option<String>,
    pub areas: Option<Vec<AreaInput>>,
}

/// Editable method fields; `None` leaves a field as it is (on create: its default),
/// `Some(None)` clears a nullable one. Giving `flat_rate` or `weight_tiers` replaces the rate.
#[derive(Debug, Clone, Default)]
pub struct MethodFields {
    /// Create only.
    pub zone_id: Option<ShippingZoneId>,
    pub vendor_id: Option<Option<VendorId>>,
    pub name: Option<String>,
    pub flat_rate: Option<Decimal>,
    /// `(up_to_grams, price)` per tier; `None` bound = open-ended.
    pub weight_tiers: Option<Vec<(Option<i32>, Decimal)>>,
    pub free_over: Option<Option<Decimal>>,
    pub tax_class: Option<String>,
    pub active: Option<bool>,
}

const MAX_NAME: usize = 200;
const MAX_AREAS: usize = 500;
const MAX_TIERS: usize = 50;

fn invalid(field: FieldPath, message: &'static str) -> ShippingError {
    ShippingError::Invalid { field, message }
}

fn name_required() -> ShippingError {
    ShippingError::Required { field: path(["name"]), message: "a name of 1 to 200 characters" }
}

fn checked_name(given: &str) -> Result<String, ShippingError> {
    required_text(given, MAX_NAME).ok_or_else(name_required)
}

fn areas(list: &[AreaInput]) -> Result<Vec<Area>, ShippingError> {
    if list.len() > MAX_AREAS {
        return Err(invalid(path(["areas"]), "at most 500 areas per zone"));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, a) in list.iter().enumerate() {
        let at = |f: &str| path(["areas", &i.to_string(), f]);
        let country = CountryCode::parse(&a.country)
            .map_err(|_| invalid(at("country"), "a country is a two-letter ISO 3166-1 code such as US or DE"))?;
        let region = a
            .region
            .as_deref()
            .map(|r| RegionCode::parse(r, country))
            .transpose()
            .map_err(|_| invalid(at("region"), "a region is an ISO 3166-2 subdivision code such as CA or US-CA"))?;
        let area = Area { country, region };
        if !seen.insert(area.clone()) {
            return Err(invalid(path(["areas", &i.to_string()]), "this area is listed twice"));
        }
        out.push(area);
    }
    Ok(out)
}

/// A new zone made of `f` at `now`: a name of 1 to 200 characters, then distinct areas
/// (at most 500) of valid country and region codes; no areas when none are given.
///
/// # Errors
/// `Required` (name), `Invalid` (areas: their number, a country, a region, a repeat).
pub fn new_zone(f: &ZoneFields, now: DateTime<Utc>) -> Result<ShippingZone, ShippingError> {
    let name = f.name.as_deref().ok_or_else(name_required).and_then(checked_name)?;
    Ok(ShippingZone {
        id: ShippingZoneId::new(),
        name,
        areas: areas(f.areas.as_deref().unwrap_or_default())?,
        created_at: now,
    })
}

/// The checked changes of a zone update: what replaces the zone's name and areas (`None`: kept).
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneChanges {
    pub name: Option<String>,
    pub areas: Option<Vec<Area>>,
}

impl ZoneChanges {
    /// Checks the given fields of `f` as [`new_zone`] does.
    ///
    /// # Errors
    /// As [`new_zone`].
    pub fn of(f: &ZoneFields) -> Result<Self, ShippingError> {
        Ok(Self {
            name: f.name.as_deref().map(checked_name).transpose()?,
            areas: f.areas.as_deref().map(areas).transpose()?,
        })
    }

    /// `zone` with the changes made.
    pub fn apply(self, zone: ShippingZone) -> ShippingZone {
        ShippingZone { name: self.name.unwrap_or(zone.name), areas: self.areas.unwrap_or(zone.areas), ..zone }
    }
}

fn price(amount: Decimal, currency: Currency, field: FieldPath) -> Result<Money, ShippingError> {
    Money::parse_price(amount, currency).map_err(|e| match e {
        MoneyError::Negative => invalid(field, "prices cannot be negative"),
        MoneyError::TooPrecise => invalid(field, "the price has more decimals than the shop currency allows"),
        _ => invalid(field, "prices are at most 1,000,000,000.00 (100,000,000,000 minor units)"),
    })
}

fn tiers(list: &[(Option<i32>, Decimal)], currency: Currency) -> Result<Vec<WeightTier>, ShippingError> {
    if list.len() > MAX_TIERS {
        return Err(invalid(path(["weightTiers"]), "at most 50 tiers"));
    }
    let mut tiers = Vec::with_capacity(list.len());
    for (i, (up_to, amount)) in list.iter().enumerate() {
        let at = |f: &str| path(["weightTiers", &i.to_string(), f]);
        let up_to_grams =
            up_to.map(u32::try_from).transpose().map_err(|_| invalid(at("upToGrams"), "weights cannot be negative"))?;
        tiers.push(WeightTier { up_to_grams, price: price(*amount, currency, at("price"))? });
    }
    check_tiers(&tiers).map_err(|p| match p {
        TierProblem::Empty => {
            ShippingError::Required { field: path(["weightTiers"]), message: "give at least one tier" }
        }
        TierProblem::OpenEndedNotLast(i) => {
            invalid(path(["weightTiers", &i.to_string(), "upToGrams"]), "only the last tier may be open-ended")
        }
        TierProblem::NotAscending(i) => invalid(
            path(["weightTiers", &i.to_string(), "upToGrams"]),
            "tiers must be in strictly ascending order of weight",
        ),
    })?;
    Ok(tiers)
}

/// Applies `f` to `current` (or to the defaults on create, at `now`) and checks the result:
/// a zone (on create), a name, exactly one rate (flat, or weight tiers as [`check_tiers`]
/// wants them), prices in `currency`, a tax class (default `standard`). On update the id, zone
/// and creation time stay.
///
/// # Errors
/// `Required` (zoneId, name, flatRate, weightTiers), `Invalid` (flatRate, weightTiers and their
/// `upToGrams` and `price`, freeOver, taxClass), with the field's path.
pub fn apply_method(
    current: Option<&ShippingMethod>,
    f: &MethodFields,
    currency: Currency,
    now: DateTime<Utc>,
) -> Result<ShippingMethod, ShippingError> {
    let zone_id = match current {
        Some(c) => c.zone_id,
        None => f.zone_id.ok_or(ShippingError::Required { field: path(["zoneId"]), message: "a zone" })?,
    };
    let name = match (&f.name, current) {
        (Some(n), _) => checked_name(n)?,
        (None, Some(c)) => c.name.clone(),
        (None, None) => return Err(ShippingError::Required { field: path(["name"]), message: "a name is required" }),
    };
    let rate = match (f.flat_rate, &f.weight_tiers, current) {
        (Some(_), Some(_), _) => {
            return Err(invalid(path(["weightTiers"]), "give a flat rate or weight tiers, not both"));
        }
        (Some(flat), None, _) => ShippingRate::Flat(price(flat, currency, path(["flatRate"]))?),
        (None, Some(list), _) => ShippingRate::WeightTiers(tiers(list, currency)?),
        (None, None, Some(c)) => c.rate.clone(),
        (None, None, None) => {
            return Err(ShippingError::Required {
                field: path(["flatRate"]),
                message: "give a flat rate or weight tiers",
            });
        }
    };
    let free_over = match f.free_over {
        Some(Some(a)) => Some(price(a, currency, path(["freeOver"]))?),
        Some(None) => None,
        None => current.and_then(|c| c.free_over),
    };
    let tax_class = match &f.tax_class {
        Some(t) => tax_class(t).ok_or_else(|| {
            invalid(path(["taxClass"]), "a tax class is 1 to 32 letters, digits, dashes or underscores")
        })?,
        None => current.map_or_else(|| DEFAULT_TAX_CLASS.to_owned(), |c| c.tax_class.clone()),
    };
    Ok(ShippingMethod {
        id: current.map_or_else(ShippingMethodId::new, |c| c.id),
        zone_id,
        vendor_id: f.vendor_id.unwrap_or(current.and_then(|c| c.vendor_id)),
        name,
        rate,
        free_over,
        tax_class,
        active: f.active.unwrap_or(current.is_none_or(|c| c.active)),
        created_at: current.map_or(now, |c| c.created_at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{error::ErrorCode, shipping::error::Code};

    fn tier(up_to: Option<u32>) -> WeightTier {
        WeightTier { up_to_grams: up_to, price: Money::from_minor(500, Currency::USD) }
    }

    #[test]
    fn an_area_without_a_region_covers_the_whole_country() {
        let us = CountryCode::parse("US").unwrap();
        let ca = RegionCode::parse("CA", us).unwrap();
        let ny = RegionCode::parse("NY", us).unwrap();
        let whole = Area { country: us, region: None };
        let california = Area { country: us, region: Some(ca.clone()) };
        assert!(whole.covers(us, Some(&ny)));
        assert!(whole.covers(us, None));
        assert!(california.covers(us, Some(&ca)));
        assert!(!california.covers(us, Some(&ny)));
        assert!(!california.covers(us, None), "an address without a region is not in a region");
        assert!(!whole.covers(CountryCode::parse("CA").unwrap(), None));
    }

    #[test]
    fn tiers_ascend_and_only_the_last_is_open_ended() {
        assert_eq!(check_tiers(&[tier(Some(500)), tier(Some(2000)), tier(None)]), Ok(()));
        assert_eq!(check_tiers(&[tier(Some(500))]), Ok(()));
        assert_eq!(check_tiers(&[tier(None)]), Ok(()));
        assert_eq!(check_tiers(&[]), Err(TierProblem::Empty));
        assert_eq!(check_tiers(&[tier(None), tier(Some(10))]), Err(TierProblem::OpenEndedNotLast(0)));
        assert_eq!(check_tiers(&[tier(Some(10)), tier(None), tier(None)]), Err(TierProblem::OpenEndedNotLast(1)));
        assert_eq!(check_tiers(&[tier(Some(10)), tier(Some(10))]), Err(TierProblem::NotAscending(1)));
        assert_eq!(check_tiers(&[tier(Some(10)), tier(Some(5)), tier(None)]), Err(TierProblem::NotAscending(1)));
    }

    #[test]
    fn a_method_without_a_vendor_serves_every_vendor() {
        let (a, b) = (VendorId::new(), VendorId::new());
        let mut m = ShippingMethod {
            id: ShippingMethodId::new(),
            zone_id: ShippingZoneId::new(),
            vendor_id: None,
            name: "Standard".into(),
            rate: ShippingRate::Flat(Money::from_minor(500, Currency::USD)),
            free_over: None,
            tax_class: "standard".into(),
            active: true,
            created_at: Utc::now(),
        };
        assert!(m.serves(a) && m.serves(b));
        m.vendor_id = Some(a);
        assert!(m.serves(a) && !m.serves(b));
        assert_eq!(m.to_rule().id, m.id);
    }

    // ---------- zones and methods from fields ----------

    const USD: Currency = Currency::USD;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// The code and field path of the user error `r` failed with.
    fn rejected<T: std::fmt::Debug>(r: Result<T, ShippingError>) -> (Code, String) {
        let parts = r.expect_err("should be rejected").user_error().expect("a user error");
        (parts.code, parts.field.expect("a field").join("."))
    }

    fn invalid(field: &str) -> (Code, String) {
        (Code::Invalid, field.to_owned())
    }

    fn required(field: &str) -> (Code, String) {
        (Code::Required, field.to_owned())
    }

    fn area(country: &str, region: Option<&str>) -> AreaInput {
        AreaInput { country: country.into(), region: region.map(Into::into) }
    }

    fn zone_fields(areas: Vec<AreaInput>) -> ZoneFields {
        ZoneFields { name: Some(" Domestic ".into()), areas: Some(areas) }
    }

    #[test]
    fn a_new_zone_has_a_name_and_distinct_valid_areas() {
        let now = Utc::now();
        let z = new_zone(&zone_fields(vec![area("us", None), area("US", Some("us-ca"))]), now).unwrap();
        let us = CountryCode::parse("US").unwrap();
        assert_eq!(z.name, "Domestic");
        assert_eq!(
            z.areas,
            [Area { country: us, region: None }, Area { country: us, region: RegionCode::parse("CA", us).ok() }]
        );
        assert_eq!(z.created_at, now);
        assert!(new_zone(&ZoneFields { areas: None, ..zone_fields(vec![]) }, now).unwrap().areas.is_empty());

        for name in [None, Some(" "), Some(&*"x".repeat(201))] {
            let f = ZoneFields { name: name.map(Into::into), ..zone_fields(vec![]) };
            assert_eq!(rejected(new_zone(&f, now)), required("name"), "{name:?}");
        }
        let f = ZoneFields { name: None, ..zone_fields(vec![area("USA", None)]) };
        assert_eq!(rejected(new_zone(&f, now)), required("name"), "the name is checked first");
        let f = zone_fields(vec![area("US", None), area("USA", None)]);
        assert_eq!(rejected(new_zone(&f, now)), invalid("areas.1.country"));
        let f = zone_fields(vec![area("US", Some("DE-BY"))]);
        assert_eq!(rejected(new_zone(&f, now)), invalid("areas.0.region"));
        let f = zone_fields(vec![area("US", Some("CA")), area("us", Some("US-CA"))]);
        assert_eq!(rejected(new_zone(&f, now)), invalid("areas.1"), "the same area twice");
        let f = zone_fields((0..=MAX_AREAS).map(|_| area("US", None)).collect());
        assert_eq!(rejected(new_zone(&f, now)), invalid("areas"));
    }

    #[test]
    fn zone_changes_replace_only_what_is_given() {
        let zone = new_zone(&zone_fields(vec![area("US", None)]), Utc::now()).unwrap();
        let none = ZoneChanges::of(&ZoneFields::default()).unwrap();
        assert_eq!(none, ZoneChanges { name: None, areas: None });
        assert_eq!(none.apply(zone.clone()), zone);

        let renamed =
            ZoneChanges::of(&ZoneFields { name: Some("Home".into()), areas: None }).unwrap().apply(zone.clone());
        assert_eq!(renamed, ShippingZone { name: "Home".into(), ..zone.clone() });
        let emptied = ZoneChanges::of(&ZoneFields { name: None, areas: Some(vec![]) }).unwrap().apply(zone.clone());
        assert_eq!(emptied, ShippingZone { areas: vec![], ..zone.clone() });

        assert_eq!(rejected(ZoneChanges::of(&ZoneFields { name: Some("".into()), areas: None })), required("name"));
        let bad = ZoneFields { name: None, areas: Some(vec![area("U", None)]) };
        assert_eq!(rejected(ZoneChanges::of(&bad)), invalid("areas.0.country"));
    }

    fn method_fields() -> MethodFields {
        MethodFields {
            zone_id: Some(ShippingZoneId::new()),
            name: Some("Standard".into()),
            flat_rate: Some(d("4.99")),
            ..Default::default()
        }
    }

    fn create(f: MethodFields) -> Result<ShippingMethod, ShippingError> {
        apply_method(None, &f, USD, Utc::now())
    }

    fn weight_tiers(list: &[(Option<i32>, &str)]) -> MethodFields {
        let tiers = list.iter().map(|(g, p)| (*g, d(p))).collect();
        MethodFields { flat_rate: None, weight_tiers: Some(tiers), ..method_fields() }
    }

    #[test]
    fn a_new_method_needs_a_zone_a_name_and_a_rate_and_has_defaults() {
        let now = Utc::now();
        let f = method_fields();
        let m = apply_method(None, &f, USD, now).unwrap();
        assert_eq!((Some(m.zone_id), m.name.as_str()), (f.zone_id, "Standard"));
        assert_eq!(m.rate, ShippingRate::Flat(Money::from_minor(499, USD)));
        assert_eq!((m.vendor_id, m.free_over, m.tax_class.as_str()), (None, None, "standard"));
        assert!(m.active);
        assert_eq!(m.created_at, now);

        assert_eq!(rejected(create(MethodFields { zone_id: None, ..Default::default() })), required("zoneId"));
        assert_eq!(rejected(create(MethodFields { name: None, ..method_fields() })), required("name"));
        assert_eq!(rejected(create(MethodFields { name: Some(" ".into()), ..method_fields() })), required("name"));
        assert_eq!(rejected(create(MethodFields { flat_rate: None, ..method_fields() })), required("flatRate"));
        let both = MethodFields { weight_tiers: Some(vec![(None, d("1"))]), ..method_fields() };
        assert_eq!(rejected(create(both)), invalid("weightTiers"));
    }

    #[test]
    fn prices_are_in_the_shop_currency() {
        for bad in ["-1", "4.999", "1000000000.01"] {
            let f = MethodFields { flat_rate: Some(d(bad)), ..method_fields() };
            assert_eq!(rejected(create(f)), invalid("flatRate"), "{bad}");
            let f = MethodFields { free_over: Some(Some(d(bad))), ..method_fields() };
            assert_eq!(rejected(create(f)), invalid("freeOver"), "{bad}");
        }
        let f = MethodFields { free_over: Some(Some(d("50"))), ..method_fields() };
        assert_eq!(create(f).unwrap().free_over, Some(Money::from_minor(5000, USD)));
        let jpy = Currency::parse("JPY").unwrap();
        let f = MethodFields { flat_rate: Some(d("500")), ..method_fields() };
        assert_eq!(
            apply_method(None, &f, jpy, Utc::now()).unwrap().rate,
            ShippingRate::Flat(Money::from_minor(500, jpy))
        );
        assert_eq!(rejected(apply_method(None, &method_fields(), jpy, Utc::now())), invalid("flatRate"));
    }

    #[test]
    fn weight_tiers_are_checked_at_the_tier_that_breaks_a_rule() {
        let m = create(weight_tiers(&[(Some(500), "4"), (Some(2000), "8.5"), (None, "12")])).unwrap();
        let money = |c| Money::from_minor(c, USD);
        let expected = vec![
            WeightTier { up_to_grams: Some(500), price: money(400) },
            WeightTier { up_to_grams: Some(2000), price: money(850) },
            WeightTier { up_to_grams: None, price: money(1200) },
        ];
        assert_eq!(m.rate, ShippingRate::WeightTiers(expected));

        assert_eq!(rejected(create(weight_tiers(&[]))), required("weightTiers"));
        assert_eq!(
            rejected(create(weight_tiers(&[(Some(5), "1"), (Some(-1), "1")]))),
            invalid("weightTiers.1.upToGrams")
        );
        assert_eq!(rejected(create(weight_tiers(&[(Some(5), "-1")]))), invalid("weightTiers.0.price"));
        assert_eq!(rejected(create(weight_tiers(&[(None, "1"), (Some(5), "2")]))), invalid("weightTiers.0.upToGrams"));
        assert_eq!(
            rejected(create(weight_tiers(&[(Some(5), "1"), (Some(5), "2")]))),
            invalid("weightTiers.1.upToGrams")
        );
        let many: Vec<(Option<i32>, &str)> = (1..=51).map(|g| (Some(g), "1")).collect();
        assert_eq!(rejected(create(weight_tiers(&many))), invalid("weightTiers"));
        let most: Vec<(Option<i32>, &str)> = (1..=50).map(|g| (Some(g), "1")).collect();
        assert!(create(weight_tiers(&most)).is_ok());
    }

    #[test]
    fn tax_classes_are_lower_cased_names() {
        let f = MethodFields { tax_class: Some(" Reduced ".into()), ..method_fields() };
        assert_eq!(create(f).unwrap().tax_class, "reduced");
        let f = MethodFields { tax_class: Some("no spaces".into()), ..method_fields() };
        assert_eq!(rejected(create(f)), invalid("taxClass"));
    }

    #[test]
    fn an_empty_update_keeps_the_method() {
        let current = ShippingMethod {
            vendor_id: Some(VendorId::new()),
            free_over: Some(Money::from_minor(5000, USD)),
            tax_class: "reduced".into(),
            active: false,
            ..create(weight_tiers(&[(None, "3")])).unwrap()
        };
        let later = current.created_at + chrono::Duration::hours(1);
        assert_eq!(apply_method(Some(&current), &MethodFields::default(), USD, later).unwrap(), current);
    }

    #[test]
    fn an_update_replaces_what_is_given_but_never_the_id_zone_or_creation() {
        let current = ShippingMethod {
            vendor_id: Some(VendorId::new()),
            free_over: Some(Money::from_minor(5000, USD)),
            ..create(method_fields()).unwrap()
        };
        let f = MethodFields {
            zone_id: Some(ShippingZoneId::new()),
            vendor_id: Some(None),
            name: Some("Express".into()),
            weight_tiers: Some(vec![(None, d("9"))]),
            free_over: Some(None),
            tax_class: Some("zero".into()),
            active: Some(false),
            ..Default::default()
        };
        let later = current.created_at + chrono::Duration::hours(1);
        let m = apply_method(Some(&current), &f, USD, later).unwrap();
        assert_eq!((m.id, m.zone_id, m.created_at), (current.id, current.zone_id, current.created_at));
        assert_eq!((m.name.as_str(), m.vendor_id, m.free_over, m.tax_class.as_str()), ("Express", None, None, "zero"));
        let tier = WeightTier { up_to_grams: None, price: Money::from_minor(900, USD) };
        assert_eq!(m.rate, ShippingRate::WeightTiers(vec![tier]), "tiers replace a flat rate");
        assert!(!m.active);
        let invalid_name = MethodFields { name: Some(String::new()), ..Default::default() };
        assert_eq!(rejected(apply_method(Some(&current), &invalid_name, USD, later)), required("name"));
    }
}
