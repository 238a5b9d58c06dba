//! The operation documents shared with the playground and README.

macro_rules! op {
    ($name:ident, $path:literal) => {
        pub const $name: &str = include_str!(concat!("../../playground/operations/", $path));
    };
}

op!(ACCOUNT_REGISTER, "accounts/AccountRegister.graphql");
op!(TOKEN_CREATE, "accounts/TokenCreate.graphql");
op!(TOKEN_REFRESH, "accounts/TokenRefresh.graphql");
op!(TOKEN_REVOKE, "accounts/TokenRevoke.graphql");
op!(PASSWORD_CHANGE, "accounts/PasswordChange.graphql");
op!(ME, "accounts/Me.graphql");
op!(VENDOR_CREATE, "vendors/VendorCreate.graphql");

/// Every operation file, for the "all operations validate" test.
pub fn all() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AccountRegister", ACCOUNT_REGISTER),
        ("TokenCreate", TOKEN_CREATE),
        ("TokenRefresh", TOKEN_REFRESH),
        ("TokenRevoke", TOKEN_REVOKE),
        ("PasswordChange", PASSWORD_CHANGE),
        ("Me", ME),
        ("VendorCreate", VENDOR_CREATE),
    ]
}
