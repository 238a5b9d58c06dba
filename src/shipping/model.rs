//! Shipping zones and methods, and the pure rules about them: which addresses an area covers,
//! which vendors a method serves, and how weight tiers must be ordered.

use chrono::{DateTime, Utc};

use crate::{
    pricing::{ShippingMethodRule, ShippingRate, WeightTier},
    shared::{
        geo::{CountryCode, RegionCode},
        ids::{ShippingMethodId, ShippingZoneId, VendorId},
        money::Money,
    },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::money::Currency;

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
}
