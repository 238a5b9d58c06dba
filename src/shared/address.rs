//! Postal addresses, validated field by field.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub first_name: String,
    pub last_name: String,
    pub company: Option<String>,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    /// State, province or county, as used for shipping zones and tax rates.
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    pub phone: Option<String>,
}

/// The fields of an address that are wrong, by their API names, in the order of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressProblem(pub Vec<&'static str>);

fn bounded(s: &str, max: usize) -> bool {
    let t = s.trim();
    !t.is_empty() && t.chars().count() <= max && !t.chars().any(char::is_control)
}

/// A two-letter country code, upper-cased; `None` when malformed.
pub fn country_code(s: &str) -> Option<String> {
    let c = s.trim().to_ascii_uppercase();
    (c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())).then_some(c)
}

impl Address {
    /// Trims fields, upper-cases the country, and checks every field: the error names each bad
    /// one, so a form can show them all at once.
    pub fn normalised(mut self) -> Result<Self, AddressProblem> {
        let trim = |s: &mut String| *s = s.trim().to_owned();
        for s in [&mut self.first_name, &mut self.last_name, &mut self.line1, &mut self.city, &mut self.postal_code] {
            trim(s);
        }
        for o in [&mut self.company, &mut self.line2, &mut self.region, &mut self.phone] {
            *o = o.take().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        }
        let mut bad = Vec::new();
        let mut check = |ok: bool, field: &'static str| {
            if !ok {
                bad.push(field);
            }
        };
        check(bounded(&self.first_name, 100), "firstName");
        check(bounded(&self.last_name, 100), "lastName");
        check(self.company.as_deref().is_none_or(|c| bounded(c, 100)), "company");
        check(bounded(&self.line1, 200), "line1");
        check(self.line2.as_deref().is_none_or(|l| bounded(l, 200)), "line2");
        check(bounded(&self.city, 100), "city");
        check(
            bounded(&self.postal_code, 20)
                && self.postal_code.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-'),
            "postalCode",
        );
        check(self.region.as_deref().is_none_or(|r| bounded(r, 64)), "region");
        let country = country_code(&self.country);
        check(country.is_some(), "country");
        let phone_ok = |p: &str| {
            (5..=32).contains(&p.len())
                && p.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'))
        };
        check(self.phone.as_deref().is_none_or(phone_ok), "phone");
        match country {
            Some(c) if bad.is_empty() => self.country = c,
            _ => return Err(AddressProblem(bad)),
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr() -> Address {
        Address {
            first_name: " Ann ".into(),
            last_name: "Lee".into(),
            company: Some("  ".into()),
            line1: "1 Main St".into(),
            line2: None,
            city: "Springfield".into(),
            postal_code: "12345".into(),
            region: Some("IL".into()),
            country: "us".into(),
            phone: None,
        }
    }

    #[test]
    fn addresses_are_normalised() {
        let a = addr().normalised().unwrap();
        assert_eq!((a.first_name.as_str(), a.country.as_str(), a.company), ("Ann", "US", None));
    }

    #[test]
    fn each_bad_field_is_named() {
        type Breaker = fn(&mut Address);
        let cases: [(&str, Breaker); 5] = [
            ("firstName", |a| a.first_name = " ".into()),
            ("line1", |a| a.line1 = String::new()),
            ("postalCode", |a| a.postal_code = "12$45".into()),
            ("country", |a| a.country = "USA".into()),
            ("phone", |a| a.phone = Some("call me".into())),
        ];
        for (field, break_it) in cases {
            let mut a = addr();
            break_it(&mut a);
            assert_eq!(a.normalised(), Err(AddressProblem(vec![field])));
        }
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let mut a = addr();
        a.last_name = String::new();
        a.city = "\u{7}".into();
        a.phone = Some("call me".into());
        assert_eq!(a.normalised(), Err(AddressProblem(vec!["lastName", "city", "phone"])));
    }
}
