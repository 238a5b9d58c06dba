//! Roles: what a viewer may do, known to every slice that authorises (the request context,
//! guards, services).

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Admin > Role::Staff && Role::Staff > Role::Customer);
        assert_eq!(Role::parse(Role::Staff.as_str()), Some(Role::Staff));
    }
}
