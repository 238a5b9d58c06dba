//! Users, roles, and the rules for emails and passwords.

use chrono::{DateTime, Utc};

use crate::shared::ids::UserId;

/// What a user may do. Ordered: an admin can do all a staff member can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Customer,
    Staff,
    Admin,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Customer => "CUSTOMER",
            Role::Staff => "STAFF",
            Role::Admin => "ADMIN",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "CUSTOMER" => Some(Role::Customer),
            "STAFF" => Some(Role::Staff),
            "ADMIN" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

/// A normalised e-mail address (trimmed, lower-cased, at most 254 chars, `local@domain.tld`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim().to_lowercase();
        let (local, domain) = s.split_once('@')?;
        let ok = s.len() <= 254
            && !local.is_empty()
            && local.len() <= 64
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        ok.then_some(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    Common,
}

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// The password policy (OWASP ASVS 2.1): at least 10 characters, at most 256, and not a common
/// or trivially guessable password. Guessability comes from zxcvbn, whose dictionaries hold the
/// common-password lists; a score below 2 ("too guessable") is refused.
pub fn check_password(password: &str, user_inputs: &[&str]) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let estimate = zxcvbn::zxcvbn(password, user_inputs);
    if u8::from(estimate.score()) < 2 {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_validated() {
        assert_eq!(Email::parse("  Ann@Example.COM ").unwrap().as_str(), "ann@example.com");
        for bad in ["", "ann", "ann@", "@example.com", "ann@example", "a b@example.com", "a@b@c.com"] {
            assert!(Email::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn password_policy_refuses_short_and_common_passwords() {
        assert_eq!(check_password("short", &[]), Err(PasswordProblem::TooShort));
        assert_eq!(check_password("password123", &[]), Err(PasswordProblem::Common));
        assert_eq!(check_password("1234567890", &[]), Err(PasswordProblem::Common));
        assert_eq!(check_password("qwertyuiop", &[]), Err(PasswordProblem::Common));
        assert!(check_password("correct horse battery staple", &[]).is_ok());
    }

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Admin > Role::Staff && Role::Staff > Role::Customer);
        assert_eq!(Role::parse(Role::Staff.as_str()), Some(Role::Staff));
    }
}
