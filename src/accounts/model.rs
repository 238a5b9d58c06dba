//! Users, roles, and the rules for emails and passwords.

use chrono::{DateTime, Utc};

use crate::shared::{email::Email, ids::UserId, role::Role};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub role: Role,
    pub created_at: DateTime<Utc>,
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
    fn password_policy_refuses_short_and_common_passwords() {
        assert_eq!(check_password("short", &[]), Err(PasswordProblem::TooShort));
        assert_eq!(check_password("password123", &[]), Err(PasswordProblem::Common));
        assert_eq!(check_password("1234567890", &[]), Err(PasswordProblem::Common));
        assert_eq!(check_password("qwertyuiop", &[]), Err(PasswordProblem::Common));
        assert!(check_password("correct horse battery staple", &[]).is_ok());
    }
}
