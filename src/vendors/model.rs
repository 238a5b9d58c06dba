use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::shared::{
    email::Email,
    geo::CountryCode,
    ids::{UserId, VendorId, VendorInviteId},
    text::{Slug, required_text},
};

/// Where a vendor is in its life: applications wait as `Pending` until staff approve
/// (`Active`) or reject them; staff suspend and reinstate active vendors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorStatus {
    Pending,
    Active,
    Rejected,
    Suspended,
}

impl VendorStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            VendorStatus::Pending => "PENDING",
            VendorStatus::Active => "ACTIVE",
            VendorStatus::Rejected => "REJECTED",
            VendorStatus::Suspended => "SUSPENDED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "PENDING" => Some(VendorStatus::Pending),
            "ACTIVE" => Some(VendorStatus::Active),
            "REJECTED" => Some(VendorStatus::Rejected),
            "SUSPENDED" => Some(VendorStatus::Suspended),
            _ => None,
        }
    }

    /// The status a staff `decision` moves a vendor in this status to, or why it cannot:
    /// approve and reject decide a `Pending` application, suspend stops an `Active` vendor,
    /// reinstate restarts a `Suspended` one. Everything else is refused.
    pub fn decide(self, decision: Decision) -> Result<VendorStatus, InvalidTransition> {
        use VendorStatus::*;
        match (self, decision) {
            (Pending, Decision::Approve) | (Suspended, Decision::Reinstate) => Ok(Active),
            (Pending, Decision::Reject) => Ok(Rejected),
            (Active, Decision::Suspend) => Ok(Suspended),
            (from, decision) => Err(InvalidTransition { from, decision }),
        }
    }
}

/// What staff decide about a vendor ([`VendorStatus::decide`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    Suspend,
    Reinstate,
}

impl Decision {
    /// The verb, for messages.
    pub fn verb(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
            Decision::Suspend => "suspend",
            Decision::Reinstate => "reinstate",
        }
    }

    /// The audit action.
    pub fn action(self) -> &'static str {
        match self {
            Decision::Approve => "vendor.approve",
            Decision::Reject => "vendor.reject",
            Decision::Suspend => "vendor.suspend",
            Decision::Reinstate => "vendor.reinstate",
        }
    }

    /// Whether the decision needs a reason (rejecting and suspending do).
    pub fn needs_reason(self) -> bool {
        matches!(self, Decision::Reject | Decision::Suspend)
    }
}

/// A decision the vendor's status does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidTransition {
    pub from: VendorStatus,
    pub decision: Decision,
}

/// A member's role in a vendor. What each may do is [`MemberRole::allows`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberRole {
    /// Everything, including members, settings and money.
    Owner,
    /// Catalog and stock.
    Editor,
    /// Vendor orders and shipping.
    Fulfillment,
}

/// What a vendor-scoped operation needs. Staff (and system jobs) hold every permission on every
/// vendor; members hold those of their role on their vendors only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorPermission {
    /// See the vendor's private data: members-only fields, unpublished products, vendor orders
    /// (their lines, never the buyer's contact details).
    View,
    /// Profile, settings, shipping methods, members and invites.
    Manage,
    /// Products, variants, images, stock; submitting products for review.
    Catalog,
    /// Fulfilments, cancelling unshipped lines; the shipping name and address of vendor orders.
    Fulfil,
}

impl MemberRole {
    pub const ALL: [MemberRole; 3] = [MemberRole::Owner, MemberRole::Editor, MemberRole::Fulfillment];

    pub fn as_str(&self) -> &'static str {
        match self {
            MemberRole::Owner => "OWNER",
            MemberRole::Editor => "EDITOR",
            MemberRole::Fulfillment => "FULFILLMENT",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "OWNER" => Some(MemberRole::Owner),
            "EDITOR" => Some(MemberRole::Editor),
            "FULFILLMENT" => Some(MemberRole::Fulfillment),
            _ => None,
        }
    }

    /// The one table of what each role may do.
    pub fn allows(self, permission: VendorPermission) -> bool {
        use VendorPermission::*;
        match self {
            MemberRole::Owner => true,
            MemberRole::Editor => matches!(permission, View | Catalog),
            MemberRole::Fulfillment => matches!(permission, View | Fulfil),
        }
    }
}

/// How a caller was let act on a vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorAccess {
    /// Staff, admin or a system job.
    Staff,
    /// A member with this role.
    Member(MemberRole),
}

impl VendorAccess {
    pub fn is_staff(self) -> bool {
        matches!(self, VendorAccess::Staff)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    pub id: VendorId,
    /// Display name.
    pub name: String,
    pub slug: Slug,
    pub status: VendorStatus,
    /// Why the vendor was rejected or suspended.
    pub status_reason: Option<String>,
    pub profile: VendorProfile,
    /// Trusted vendors' products are approved without review.
    pub trusted: bool,
    /// Commission override in basis points (1,000 = 10 %); the platform default when `None`.
    pub commission_bps: Option<u32>,
    /// The user who applied; `None` for vendors staff created.
    pub applied_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a vendor tells buyers and the platform about itself; owners edit it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VendorProfile {
    pub description: String,
    /// The platform's contact at the vendor (given when applying).
    pub contact_email: Option<String>,
    /// ISO 3166-1 alpha-2, where the vendor is established.
    pub country: Option<String>,
    pub logo_url: Option<String>,
    pub return_policy: String,
    /// Where buyers reach the vendor.
    pub support_email: Option<String>,
}

/// The marketplace's own settings (one row), changed by staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarketplaceSettings {
    /// Commission on vendors without an override, in basis points (1,000 = 10 %).
    pub default_commission_bps: u32,
    /// Whether an edit to an approved product sends it back to review.
    pub review_approved_edits: bool,
}

/// A validated request to create a vendor.
#[derive(Debug, Clone)]
pub struct NewVendor {
    pub name: String,
    pub slug: Slug,
}

/// Longest description, return policy and status reason (characters).
pub const MAX_DESCRIPTION: usize = 5_000;
pub const MAX_REASON: usize = 1_000;
pub const MAX_URL: usize = 2_048;

/// Why a field of an application, a profile change or a setting was refused: the field
/// (input name) and what is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidField {
    pub field: &'static str,
    pub message: &'static str,
}

fn invalid(field: &'static str, message: &'static str) -> InvalidField {
    InvalidField { field, message }
}

/// The vendor's name: 1 to 200 characters after trimming.
pub fn vendor_name(s: &str) -> Result<String, InvalidField> {
    required_text(s, 200).ok_or(invalid("name", "the name must be 1 to 200 characters"))
}

/// An e-mail address for `field`, normalised as accounts normalise theirs.
pub fn email(field: &'static str, s: &str) -> Result<String, InvalidField> {
    Email::parse(s).map(|e| e.as_str().to_owned()).ok_or(invalid(field, "not a valid e-mail address"))
}

/// Free text of at most `MAX_DESCRIPTION` characters, trimmed (may be empty).
pub fn long_text(field: &'static str, s: &str) -> Result<String, InvalidField> {
    let t = s.trim();
    if t.chars().count() > MAX_DESCRIPTION {
        return Err(invalid(field, "at most 5000 characters"));
    }
    Ok(t.to_owned())
}

/// An absolute `https://` or `http://` URL with a host, at most 2048 characters.
pub fn web_url(field: &'static str, s: &str) -> Result<String, InvalidField> {
    let t = s.trim();
    let rest = t.strip_prefix("https://").or_else(|| t.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    let ok = matches!(host, Some(h) if !h.is_empty() && !h.starts_with(':'))
        && t.len() <= MAX_URL
        && !t.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok { Ok(t.to_owned()) } else { Err(invalid(field, "an absolute http or https URL")) }
}

/// A reason staff give for rejecting or suspending: 1 to 1000 characters.
pub fn reason(s: &str) -> Result<String, InvalidField> {
    required_text(s, MAX_REASON).ok_or(invalid("reason", "give a reason of 1 to 1000 characters"))
}

/// A commission rate in per cent (0 to 100, at most two decimals) as basis points.
pub fn commission_bps(field: &'static str, rate: Decimal) -> Result<u32, InvalidField> {
    let bad = invalid(field, "a percentage from 0 to 100 with at most two decimals");
    if rate < Decimal::ZERO || rate > Decimal::ONE_HUNDRED || rate.normalize().scale() > 2 {
        return Err(bad);
    }
    let bps = (rate * Decimal::ONE_HUNDRED).normalize();
    u32::try_from(bps.mantissa()).ok().filter(|_| bps.scale() == 0).ok_or(bad)
}

/// Basis points as a percentage (`1050` → `10.5`).
pub fn rate_of(bps: u32) -> Decimal {
    Decimal::new(i64::from(bps), 2).normalize()
}

/// A validated application to sell (`vendorApply`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub name: String,
    pub slug: Slug,
    pub contact_email: String,
    pub country: String,
    pub description: String,
}

impl Application {
    /// Checks every field; the slug defaults to one derived from the name.
    ///
    /// # Errors
    /// The first invalid field (name, slug, contactEmail, country, description).
    pub fn parse(
        name: &str,
        slug: Option<&str>,
        contact_email: &str,
        country: &str,
        description: &str,
    ) -> Result<Self, InvalidField> {
        let name = vendor_name(name)?;
        let slug = match slug {
            Some(s) => Slug::parse(s),
            None => Slug::from_title(&name),
        }
        .map_err(|_| invalid("slug", "the slug must be 1 to 100 lowercase letters, digits and dashes"))?;
        let contact_email = email("contactEmail", contact_email)?;
        let country = CountryCode::parse(country)
            .map_err(|_| invalid("country", "a two-letter ISO 3166-1 country code"))?
            .as_str()
            .to_owned();
        let description = long_text("description", description)?;
        Ok(Self { name, slug, contact_email, country, description })
    }
}

/// An owner's change to the vendor's profile; `None` leaves a field as it is, `Some(None)`
/// clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub logo_url: Option<Option<String>>,
    pub return_policy: Option<String>,
    pub support_email: Option<Option<String>>,
}

impl ProfileChanges {
    /// Validates raw input (same `None`/`Some(None)` meaning).
    ///
    /// # Errors
    /// The first invalid field.
    pub fn parse(
        name: Option<&str>,
        description: Option<&str>,
        logo_url: Option<Option<&str>>,
        return_policy: Option<&str>,
        support_email: Option<Option<&str>>,
    ) -> Result<Self, InvalidField> {
        Ok(Self {
            name: name.map(vendor_name).transpose()?,
            description: description.map(|d| long_text("description", d)).transpose()?,
            logo_url: logo_url.map(|u| u.map(|u| web_url("logoUrl", u)).transpose()).transpose()?,
            return_policy: return_policy.map(|r| long_text("returnPolicy", r)).transpose()?,
            support_email: support_email.map(|e| e.map(|e| email("supportEmail", e)).transpose()).transpose()?,
        })
    }

    /// `vendor` with the changes made.
    pub fn apply(&self, mut vendor: Vendor) -> Vendor {
        if let Some(n) = &self.name {
            vendor.name = n.clone();
        }
        let p = &mut vendor.profile;
        if let Some(d) = &self.description {
            p.description = d.clone();
        }
        if let Some(u) = &self.logo_url {
            p.logo_url = u.clone();
        }
        if let Some(r) = &self.return_policy {
            p.return_policy = r.clone();
        }
        if let Some(e) = &self.support_email {
            p.support_email = e.clone();
        }
        vendor
    }
}

/// A member of a vendor as owners and staff see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: UserId,
    pub email: String,
    pub role: MemberRole,
    /// When they joined.
    pub since: DateTime<Utc>,
}

/// One of a user's memberships.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub vendor_id: VendorId,
    pub role: MemberRole,
    pub since: DateTime<Utc>,
}

/// An invitation to join a vendor with a role, for whoever signs in with `email`. Its secret
/// token is shown once to the owner who made it; only its SHA-256 is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub id: VendorInviteId,
    pub vendor_id: VendorId,
    /// Normalised (lower case).
    pub email: String,
    pub role: MemberRole,
    pub invited_by: Option<UserId>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub accepted_by: Option<UserId>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Why an invite cannot be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteRefusal {
    Used,
    Revoked,
    Expired,
}

impl Invite {
    /// Whether the invite can still be accepted at `now`: not used, not revoked, not expired
    /// (checked in that order).
    pub fn open_at(&self, now: DateTime<Utc>) -> Result<(), InviteRefusal> {
        if self.accepted_at.is_some() {
            Err(InviteRefusal::Used)
        } else if self.revoked_at.is_some() {
            Err(InviteRefusal::Revoked)
        } else if self.expires_at <= now {
            Err(InviteRefusal::Expired)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_decisions_follow_the_state_machine() {
        use Decision::*;
        use VendorStatus::*;
        let all = [Pending, Active, Rejected, Suspended];
        for from in all {
            for d in [Approve, Reject, Suspend, Reinstate] {
                let expected = match (from, d) {
                    (Pending, Approve) | (Suspended, Reinstate) => Some(Active),
                    (Pending, Reject) => Some(Rejected),
                    (Active, Suspend) => Some(Suspended),
                    _ => None,
                };
                assert_eq!(from.decide(d).ok(), expected, "{from:?} {d:?}");
                if expected.is_none() {
                    assert_eq!(from.decide(d), Err(InvalidTransition { from, decision: d }));
                }
            }
        }
        assert!(
            Reject.needs_reason() && Suspend.needs_reason() && !Approve.needs_reason() && !Reinstate.needs_reason()
        );
    }

    #[test]
    fn commission_rates_are_percentages_with_two_decimals() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(commission_bps("rate", d("10")), Ok(1000));
        assert_eq!(commission_bps("rate", d("12.5")), Ok(1250));
        assert_eq!(commission_bps("rate", d("0.01")), Ok(1));
        assert_eq!(commission_bps("rate", d("100.00")), Ok(10_000));
        assert_eq!(commission_bps("rate", d("0")), Ok(0));
        for bad in ["-1", "100.01", "12.345", "1000"] {
            assert!(commission_bps("rate", d(bad)).is_err(), "{bad}");
        }
        assert_eq!(rate_of(1250), d("12.5"));
    }

    #[test]
    fn applications_and_profiles_are_validated() {
        let a = Application::parse(" Ann's Shop ", None, " Ann@Example.COM ", "de", "Pots").unwrap();
        assert_eq!(
            (a.slug.as_str(), a.contact_email.as_str(), a.country.as_str()),
            ("ann-s-shop", "ann@example.com", "DE")
        );
        let field = |r: Result<Application, InvalidField>| r.unwrap_err().field;
        assert_eq!(field(Application::parse("", None, "a@b.co", "DE", "")), "name");
        assert_eq!(field(Application::parse("A", Some("Bad Slug"), "a@b.co", "DE", "")), "slug");
        assert_eq!(field(Application::parse("A", None, "nope", "DE", "")), "contactEmail");
        assert_eq!(field(Application::parse("A", None, "a@b.co", "Germany", "")), "country");
        assert_eq!(field(Application::parse("A", None, "a@b.co", "DE", &"x".repeat(5001))), "description");
        assert!(web_url("logoUrl", "https://cdn.example.com/logo.png").is_ok());
        for bad in ["ftp://x.com/a", "https://", "javascript:alert(1)", "https://a b.com", "//x.com"] {
            assert!(web_url("logoUrl", bad).is_err(), "{bad}");
        }
        let c = ProfileChanges::parse(None, None, Some(None), None, Some(Some("HELP@x.com"))).unwrap();
        assert_eq!((c.logo_url, c.support_email), (Some(None), Some(Some("help@x.com".into()))));
    }

    #[test]
    fn an_invite_is_open_until_used_revoked_or_expired() {
        let now = Utc::now();
        let open = Invite {
            id: VendorInviteId::new(),
            vendor_id: VendorId::new(),
            email: "a@b.co".into(),
            role: MemberRole::Editor,
            invited_by: None,
            expires_at: now + chrono::Duration::hours(1),
            accepted_at: None,
            accepted_by: None,
            revoked_at: None,
            created_at: now,
        };
        assert_eq!(open.open_at(now), Ok(()));
        assert_eq!(open.open_at(now + chrono::Duration::hours(1)), Err(InviteRefusal::Expired));
        let revoked = Invite { revoked_at: Some(now), ..open.clone() };
        assert_eq!(revoked.open_at(now), Err(InviteRefusal::Revoked));
        let used = Invite { accepted_at: Some(now), ..revoked };
        assert_eq!(used.open_at(now), Err(InviteRefusal::Used));
    }

    #[test]
    fn roles_allow_what_the_table_says() {
        use VendorPermission::*;
        let table = |r: MemberRole| [View, Manage, Catalog, Fulfil].map(|p| r.allows(p));
        assert_eq!(table(MemberRole::Owner), [true, true, true, true]);
        assert_eq!(table(MemberRole::Editor), [true, false, true, false]);
        assert_eq!(table(MemberRole::Fulfillment), [true, false, false, true]);
        for r in MemberRole::ALL {
            assert_eq!(MemberRole::parse(r.as_str()), Some(r));
        }
        for s in [VendorStatus::Pending, VendorStatus::Active, VendorStatus::Rejected, VendorStatus::Suspended] {
            assert_eq!(VendorStatus::parse(s.as_str()), Some(s));
        }
    }
}
