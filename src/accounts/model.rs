//! Users, roles, and the rules for emails and passwords.

use chrono::{DateTime, Utc};

use crate::shared::{email::Email, ids::UserId, role::Role};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    /// When staff blocked the user; a blocked user cannot sign in and their tokens are refused.
    pub blocked_at: Option<DateTime<Utc>>,
}

/// The longest reason staff may give for blocking a user.
pub const MAX_BLOCK_REASON_CHARS: usize = 500;

/// Whether a viewer with role `actor` may block or unblock a user with role `target`: only
/// users of a lower role (staff block customers; admins block customers and staff; nobody blocks
/// an admin through the API). Blocking oneself is refused separately.
pub fn may_moderate(actor: Role, target: Role) -> bool {
    actor >= Role::Staff && target < actor
}

/// Filters for the staff user list; all given filters must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// Part of the e-mail address (case-insensitive).
    pub email: Option<String>,
    /// Only blocked (`true`) or only not blocked (`false`) users.
    pub blocked: Option<bool>,
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
    fn only_users_of_a_lower_role_can_be_moderated() {
        assert!(may_moderate(Role::Staff, Role::Customer));
        assert!(may_moderate(Role::Admin, Role::Staff));
        assert!(!may_moderate(Role::Staff, Role::Staff));
        assert!(!may_moderate(Role::Staff, Role::Admin));
        assert!(!may_moderate(Role::Admin, Role::Admin));
        assert!(!may_moderate(Role::Customer, Role::Customer));
    }

    #[test]
    fn password_policy_refuses_short_and_common_passwords() {
        assert_eq!(check_password("short", &[]), Err(PasswordProblem::TooShort));
        assert_eq!(check_password("password123", &[]), Err(PasswordProblem::Common));
        assert_eq!(check_password("1234567890", &[]), Err(PasswordProblem::Common));
        assert_eq!(check_password("qwertyuiop", &[]), Err(PasswordProblem::Common));
        assert!(check_password("correct horse battery staple", &[]).is_ok());
    }
}
