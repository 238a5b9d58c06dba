//! Small validated text types: slugs and SKUs.

use std::fmt;

/// A URL slug: 1–100 chars of `a-z`, `0-9` and single dashes, not starting or ending with a dash.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a slug is 1 to 100 lowercase letters, digits and single dashes")]
pub struct InvalidSlug;

impl Slug {
    pub fn parse(s: &str) -> Result<Self, InvalidSlug> {
        let ok = (1..=100).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok { Ok(Self(s.to_owned())) } else { Err(InvalidSlug) }
    }

    /// Derives a slug from a title: "Linen Shirt (Blue)" → "linen-shirt-blue".
    pub fn from_title(title: &str) -> Result<Self, InvalidSlug> {
        let mut out = String::new();
        for c in title.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let trimmed: String = out.trim_end_matches('-').chars().take(100).collect();
        Self::parse(trimmed.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A stock-keeping unit: 1–64 chars of `A-Z`, `0-9`, `-`, `_`, `.` (input is upper-cased).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sku(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a SKU is 1 to 64 letters, digits, dashes, underscores or dots")]
pub struct InvalidSku;

impl Sku {
    pub fn parse(s: &str) -> Result<Self, InvalidSku> {
        let s = s.trim().to_ascii_uppercase();
        let ok = (1..=64).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'));
        if ok { Ok(Self(s)) } else { Err(InvalidSku) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A required, trimmed, bounded piece of text (titles, names).
pub fn required_text(s: &str, max: usize) -> Option<String> {
    let t = s.trim();
    (!t.is_empty() && t.chars().count() <= max).then(|| t.to_owned())
}

/// A tax class name ("standard", "reduced", "zero"): trimmed and lower-cased, 1–32 chars of
/// `a-z`, `0-9`, `-` and `_`. Products, shipping methods and tax rates name classes this way.
pub fn tax_class(s: &str) -> Option<String> {
    let t = s.trim().to_ascii_lowercase();
    let ok = (1..=32).contains(&t.len())
        && t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_'));
    ok.then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_classes_are_lower_cased_names() {
        assert_eq!(tax_class(" Reduced ").as_deref(), Some("reduced"));
        assert_eq!(tax_class("zero_rated-2").as_deref(), Some("zero_rated-2"));
        assert_eq!(tax_class(""), None);
        assert_eq!(tax_class("a b"), None);
        assert_eq!(tax_class(&"x".repeat(33)), None);
    }

    #[test]
    fn slugs_are_validated_and_derived() {
        assert!(Slug::parse("linen-shirt").is_ok());
        for bad in ["", "Linen", "a--b", "-a", "a-", "a b"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Slug::from_title("Linen Shirt (Blue)").unwrap().as_str(), "linen-shirt-blue");
        assert!(Slug::from_title("!!!").is_err());
    }

    #[test]
    fn skus_are_upper_cased_and_validated() {
        assert_eq!(Sku::parse(" mug-red ").unwrap().as_str(), "MUG-RED");
        assert!(Sku::parse("bad sku").is_err());
        assert!(Sku::parse("").is_err());
    }
}
