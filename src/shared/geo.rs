//! Places: ISO 3166-1 alpha-2 country codes and ISO 3166-2 subdivision (region) codes, as
//! shipping zones and tax rates key on them.
//!
//! The checks are on shape only (two letters; one to three letters or digits): a list of
//! assigned codes would need upkeep, and a zone or rate for a code nobody ships to simply never
//! matches an address.

use std::fmt;

/// An ISO 3166-1 alpha-2 country code, upper-case: `US`, `DE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a country is a two-letter ISO 3166-1 code such as US or DE")]
pub struct InvalidCountry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a region is an ISO 3166-2 subdivision code such as CA (or US-CA)")]
pub struct InvalidRegion;

impl CountryCode {
    /// Trims and upper-cases, then requires exactly two ASCII letters (`" de "` → `DE`).
    pub fn parse(s: &str) -> Result<Self, InvalidCountry> {
        match s.trim().to_ascii_uppercase().as_bytes() {
            &[a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok(Self([a, b])),
            _ => Err(InvalidCountry),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The subdivision part of an ISO 3166-2 code, upper-case: `CA` for California (`US-CA`),
/// `BY` for Bavaria (`DE-BY`). One to three ASCII letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

impl RegionCode {
    /// Trims and upper-cases; accepts the full form (`US-CA`) when its prefix is `country`.
    pub fn parse(s: &str, country: CountryCode) -> Result<Self, InvalidRegion> {
        let upper = s.trim().to_ascii_uppercase();
        let code = match upper.split_once('-') {
            Some((prefix, rest)) if prefix == country.as_str() => rest,
            Some(_) => return Err(InvalidRegion),
            None => upper.as_str(),
        };
        let ok = (1..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if ok { Ok(Self(code.to_owned())) } else { Err(InvalidRegion) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_upper_cased_two_letter_codes() {
        assert_eq!(CountryCode::parse(" de ").unwrap().as_str(), "DE");
        assert_eq!(CountryCode::parse("US").unwrap().to_string(), "US");
        for bad in ["", "U", "USA", "U1", "ÄB", "u s"] {
            assert_eq!(CountryCode::parse(bad), Err(InvalidCountry), "{bad}");
        }
    }

    #[test]
    fn regions_are_subdivision_codes_with_an_optional_country_prefix() {
        let us = CountryCode::parse("US").unwrap();
        assert_eq!(RegionCode::parse("ca", us).unwrap().as_str(), "CA");
        assert_eq!(RegionCode::parse("US-NY", us).unwrap().as_str(), "NY");
        assert_eq!(RegionCode::parse("75", CountryCode::parse("FR").unwrap()).unwrap().as_str(), "75");
        for bad in ["", "CALI", "DE-BY", "C A", "-"] {
            assert_eq!(RegionCode::parse(bad, us), Err(InvalidRegion), "{bad}");
        }
    }
}
