//! Vendor use cases: onboarding and staff decisions, the profile, commission and trust, the
//! marketplace settings ([`VendorService`] here), members and invites (`members.rs`). Every
//! change is one transaction with its audit entry; vendor-scoped ones start with
//! [`VendorService::authorize_in`].

mod members;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};
use serde_json::json;

pub use members::InviteToken;

use crate::{
    audit::{self, model::NewAuditEntry},
    context::RequestContext,
    shared::{
        clock::SharedClock,
        ids::{UserId, VendorId},
        role::Role,
    },
    vendors::{
        error::VendorError,
        model::{
            self, Application, Decision, MarketplaceSettings, MemberRole, NewVendor, ProfileChanges, Vendor,
            VendorAccess, VendorPermission, VendorStatus,
        },
        repo,
    },
};

#[derive(Clone)]
pub struct VendorService {
    db: DatabaseConnection,
    clock: SharedClock,
    invite_ttl: chrono::Duration,
}

/// What an applicant fills in (`vendorApply`), unvalidated.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFields {
    pub name: String,
    pub slug: Option<String>,
    pub contact_email: String,
    pub country: String,
    pub description: String,
}

/// An owner's profile edit, unvalidated: `None` keeps a field, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct ProfileFields {
    pub name: Option<String>,
    pub description: Option<String>,
    pub logo_url: Option<Option<String>>,
    pub return_policy: Option<String>,
    pub support_email: Option<Option<String>>,
}

fn vendor_summary(v: &Vendor) -> serde_json::Value {
    json!({ "status": v.status.as_str(), "reason": v.status_reason })
}

fn ensure_staff(rcx: &RequestContext) -> Result<(), VendorError> {
    if rcx.is_staff() {
        Ok(())
    } else if rcx.viewer.is_none() {
        Err(VendorError::Unauthenticated)
    } else {
        Err(VendorError::Forbidden)
    }
}

impl VendorService {
    /// `invite_ttl`: how long an invite can be accepted (`marketplace.invite_ttl_hours`).
    pub fn new(db: DatabaseConnection, clock: SharedClock, invite_ttl: chrono::Duration) -> Self {
        Self { db, clock, invite_ttl }
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Creates an `ACTIVE` vendor (staff); the slug defaults to one derived from the name.
    ///
    /// # Errors
    /// `InvalidName`, `InvalidSlug`, `SlugTaken`; `Forbidden` for non-staff.
    #[tracing::instrument(name = "vendors.create", skip(self, rcx))]
    pub async fn create(&self, rcx: &RequestContext, name: &str, slug: Option<&str>) -> Result<Vendor, VendorError> {
        let txn = self.db.begin().await?;
        let v = self.create_in(&txn, rcx, name, slug).await?;
        txn.commit().await?;
        Ok(v)
    }

    /// As [`VendorService::create`], on the caller's connection (the demo seed writes all its
    /// data in one transaction).
    ///
    /// # Errors
    /// As [`VendorService::create`].
    pub async fn create_in(
        &self,
        conn: &impl ConnectionTrait,
        rcx: &RequestContext,
        name: &str,
        slug: Option<&str>,
    ) -> Result<Vendor, VendorError> {
        ensure_staff(rcx)?;
        let name = crate::shared::text::required_text(name, 200).ok_or(VendorError::InvalidName)?;
        let slug = match slug {
            Some(s) => crate::shared::text::Slug::parse(s),
            None => crate::shared::text::Slug::from_title(&name),
        }
        .map_err(|_| VendorError::InvalidSlug)?;
        let now = self.now();
        let v = repo::insert(conn, &NewVendor { name, slug }, now).await?;
        audit::record_in(
            conn,
            rcx,
            NewAuditEntry::new("vendor.create", "Vendor", v.id, json!(null), vendor_summary(&v)).vendor(v.id),
            now,
        )
        .await?;
        Ok(v)
    }

    /// Applies to sell: creates a `PENDING` vendor applied for by the viewer, who becomes its
    /// `OWNER` at once (to follow the application and edit the profile; only an active vendor
    /// sells).
    ///
    /// # Errors
    /// `InvalidField` (name, slug, contactEmail, country, description), `SlugTaken`;
    /// `Unauthenticated` without a viewer.
    #[tracing::instrument(name = "vendors.apply", skip(self, rcx, f))]
    pub async fn apply(&self, rcx: &RequestContext, f: ApplicationFields) -> Result<Vendor, VendorError> {
        let viewer = rcx.viewer.ok_or(VendorError::Unauthenticated)?;
        let app = Application::parse(&f.name, f.slug.as_deref(), &f.contact_email, &f.country, &f.description)?;
        let now = self.now();
        let txn = self.db.begin().await?;
        let v = repo::insert_application(&txn, &app, viewer.user_id, now).await?;
        repo::insert_member(&txn, v.id, viewer.user_id, MemberRole::Owner, now).await?;
        let entry = NewAuditEntry::new("vendor.apply", "Vendor", v.id, json!(null), vendor_summary(&v)).vendor(v.id);
        audit::record_in(&txn, rcx, entry, now).await?;
        txn.commit().await?;
        Ok(v)
    }

    /// A staff decision on a vendor ([`VendorStatus::decide`]): approve or reject an
    /// application, suspend or reinstate a vendor. Reject and suspend need a reason; approve and
    /// reinstate clear it. A compare-and-set on the status, so of two concurrent decisions one
    /// wins and the other gets `InvalidStatus`.
    ///
    /// # Errors
    /// `InvalidField` (reason), `NotFoundAt` (id), `InvalidStatus`; `Forbidden` for non-staff.
    #[tracing::instrument(name = "vendors.decide", skip(self, rcx, reason))]
    pub async fn decide(
        &self,
        rcx: &RequestContext,
        id: VendorId,
        decision: Decision,
        reason: Option<&str>,
    ) -> Result<Vendor, VendorError> {
        ensure_staff(rcx)?;
        let reason = if decision.needs_reason() { Some(model::reason(reason.unwrap_or_default())?) } else { None };
        let now = self.now();
        let txn = self.db.begin().await?;
        let not_found = || VendorError::NotFoundAt { field: "id" };
        let before = repo::by_ids(&txn, &[id]).await?.remove(&id).ok_or_else(not_found)?;
        let to = before.status.decide(decision)?;
        if !repo::set_status(&txn, id, before.status, to, reason.as_deref(), now).await? {
            // Another decision won meanwhile: judge this one against what it left.
            let current = repo::by_ids(&txn, &[id]).await?.remove(&id).ok_or_else(not_found)?;
            current.status.decide(decision)?;
            return Err(VendorError::InvalidStatus(model::InvalidTransition { from: current.status, decision }));
        }
        let after = repo::by_ids(&txn, &[id]).await?.remove(&id).ok_or_else(not_found)?;
        let entry =
            NewAuditEntry::new(decision.action(), "Vendor", id, vendor_summary(&before), vendor_summary(&after))
                .vendor(id);
        audit::record_in(&txn, rcx, entry, now).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Changes the vendor's name and profile (owners and staff). Any status: an applicant
    /// completes the profile while staff review it.
    ///
    /// # Errors
    /// `InvalidField` (name, description, logoUrl, returnPolicy, supportEmail); `NotFound`,
    /// `Forbidden`, `Unauthenticated` from [`VendorService::authorize_in`].
    #[tracing::instrument(name = "vendors.update_profile", skip(self, rcx, f))]
    pub async fn update_profile(
        &self,
        rcx: &RequestContext,
        vendor: VendorId,
        f: ProfileFields,
    ) -> Result<Vendor, VendorError> {
        let changes = ProfileChanges::parse(
            f.name.as_deref(),
            f.description.as_deref(),
            f.logo_url.as_ref().map(Option::as_deref),
            f.return_policy.as_deref(),
            f.support_email.as_ref().map(Option::as_deref),
        )?;
        let now = self.now();
        let txn = self.db.begin().await?;
        let (before, _) = self.authorize_in(&txn, rcx, vendor, VendorPermission::Manage).await?;
        let after = changes.apply(before.clone());
        repo::update_profile(&txn, &after, now).await?;
        let entry = NewAuditEntry::new(
            "vendor.profile.update",
            "Vendor",
            vendor,
            profile_summary(&before),
            profile_summary(&after),
        )
        .vendor(vendor);
        audit::record_in(&txn, rcx, entry, now).await?;
        txn.commit().await?;
        Ok(Vendor { updated_at: now, ..after })
    }

    /// Sets a vendor's commission override in per cent (staff); `None` returns it to the
    /// platform default.
    ///
    /// # Errors
    /// `InvalidField` (rate), `NotFound` (vendorId); `Forbidden` for non-staff.
    #[tracing::instrument(name = "vendors.set_commission", skip(self, rcx))]
    pub async fn set_commission(
        &self,
        rcx: &RequestContext,
        vendor: VendorId,
        rate: Option<Decimal>,
    ) -> Result<Vendor, VendorError> {
        ensure_staff(rcx)?;
        let bps = rate.map(|r| model::commission_bps("rate", r)).transpose()?;
        self.set_terms(rcx, vendor, "vendor.commission.set", |v| Vendor { commission_bps: bps, ..v }).await
    }

    /// Marks a vendor trusted or not (staff): trusted vendors' products skip review.
    ///
    /// # Errors
    /// `NotFound` (vendorId); `Forbidden` for non-staff.
    #[tracing::instrument(name = "vendors.set_trusted", skip(self, rcx))]
    pub async fn set_trusted(
        &self,
        rcx: &RequestContext,
        vendor: VendorId,
        trusted: bool,
    ) -> Result<Vendor, VendorError> {
        ensure_staff(rcx)?;
        self.set_terms(rcx, vendor, "vendor.trust.set", |v| Vendor { trusted, ..v }).await
    }

    async fn set_terms(
        &self,
        rcx: &RequestContext,
        vendor: VendorId,
        action: &'static str,
        change: impl FnOnce(Vendor) -> Vendor,
    ) -> Result<Vendor, VendorError> {
        let now = self.now();
        let txn = self.db.begin().await?;
        let before = repo::by_ids(&txn, &[vendor]).await?.remove(&vendor).ok_or(VendorError::NotFound)?;
        let after = change(before.clone());
        repo::update_terms(&txn, vendor, after.commission_bps, after.trusted, now).await?;
        let terms = |v: &Vendor| json!({ "commissionBps": v.commission_bps, "trusted": v.trusted });
        let entry = NewAuditEntry::new(action, "Vendor", vendor, terms(&before), terms(&after)).vendor(vendor);
        audit::record_in(&txn, rcx, entry, now).await?;
        txn.commit().await?;
        Ok(Vendor { updated_at: now, ..after })
    }

    /// The marketplace settings (staff).
    ///
    /// # Errors
    /// `Forbidden` for non-staff.
    pub async fn settings(&self, rcx: &RequestContext) -> Result<MarketplaceSettings, VendorError> {
        ensure_staff(rcx)?;
        Ok(repo::settings(&self.db).await?)
    }

    /// Changes the marketplace settings (staff): the default commission in per cent, and
    /// whether edits to approved products go back to review. `None` keeps a setting.
    ///
    /// # Errors
    /// `InvalidField` (defaultCommissionRate); `Forbidden` for non-staff.
    #[tracing::instrument(name = "vendors.update_settings", skip(self, rcx))]
    pub async fn update_settings(
        &self,
        rcx: &RequestContext,
        default_commission_rate: Option<Decimal>,
        review_approved_edits: Option<bool>,
    ) -> Result<MarketplaceSettings, VendorError> {
        ensure_staff(rcx)?;
        let bps = default_commission_rate.map(|r| model::commission_bps("defaultCommissionRate", r)).transpose()?;
        let now = self.now();
        let txn = self.db.begin().await?;
        let before = repo::settings(&txn).await?;
        let after = MarketplaceSettings {
            default_commission_bps: bps.unwrap_or(before.default_commission_bps),
            review_approved_edits: review_approved_edits.unwrap_or(before.review_approved_edits),
        };
        repo::update_settings(&txn, &after, now).await?;
        let summary = |s: &MarketplaceSettings| json!({ "defaultCommissionBps": s.default_commission_bps, "reviewApprovedEdits": s.review_approved_edits });
        let entry = NewAuditEntry::new(
            "marketplace.settings.update",
            "MarketplaceSettings",
            1,
            summary(&before),
            summary(&after),
        );
        audit::record_in(&txn, rcx, entry, now).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// The commission `vendor` pays, in basis points: its override, else the platform default.
    ///
    /// # Errors
    /// Only database errors.
    pub async fn effective_commission_bps(&self, vendor: &Vendor) -> Result<u32, DbErr> {
        match vendor.commission_bps {
            Some(b) => Ok(b),
            None => Ok(repo::settings(&self.db).await?.default_commission_bps),
        }
    }

    /// How the viewer may see `vendor`: as staff, as a member with a role, or not at all
    /// (`None`: shoppers and other vendors' members). No error: callers hide fields.
    ///
    /// # Errors
    /// Only database errors.
    pub async fn access(&self, rcx: &RequestContext, vendor: VendorId) -> Result<Option<VendorAccess>, DbErr> {
        if rcx.is_staff() {
            return Ok(Some(VendorAccess::Staff));
        }
        let Some(viewer) = rcx.viewer else { return Ok(None) };
        Ok(repo::member_role(&self.db, vendor, viewer.user_id).await?.map(VendorAccess::Member))
    }

    /// Whether the viewer may see `vendor` at all: everyone sees active vendors; its members
    /// and staff see it in any status.
    ///
    /// # Errors
    /// Only database errors.
    pub async fn visible(&self, rcx: &RequestContext, vendor: &Vendor) -> Result<bool, DbErr> {
        Ok(vendor.status == VendorStatus::Active || self.access(rcx, vendor.id).await?.is_some())
    }

    /// The vendor with this slug, if the viewer may see it ([`VendorService::visible`]).
    ///
    /// # Errors
    /// Only database errors.
    pub async fn by_slug_for(&self, rcx: &RequestContext, slug: &str) -> Result<Option<Vendor>, DbErr> {
        match repo::find_by_slug(&self.db, slug).await? {
            Some(v) if self.visible(rcx, &v).await? => Ok(Some(v)),
            _ => Ok(None),
        }
    }

    /// Vendors in one of `statuses` (default: active), by name. Only staff may list other
    /// statuses (applications are `PENDING`).
    ///
    /// # Errors
    /// `Forbidden` (`Unauthenticated` without a viewer) when a non-staff viewer asks for a
    /// status other than `ACTIVE`.
    pub async fn list_for(
        &self,
        rcx: &RequestContext,
        statuses: Option<Vec<VendorStatus>>,
    ) -> Result<Vec<Vendor>, VendorError> {
        let statuses = statuses.unwrap_or_else(|| vec![VendorStatus::Active]);
        if statuses.iter().any(|s| *s != VendorStatus::Active) {
            ensure_staff(rcx)?;
        }
        Ok(repo::list_by_statuses(&self.db, &statuses).await?)
    }

    /// Lets `rcx` act on `vendor` with `permission`, or says why not: the one check every
    /// vendor-scoped operation makes, inside its own transaction (`conn`). Staff and system jobs
    /// hold every permission; members those of their role ([`MemberRole::allows`]). A blocked
    /// user never gets here (their token is refused). The vendor's status is the caller's to
    /// check: fulfilment goes on for a suspended vendor, catalog edits do not.
    ///
    /// [`MemberRole::allows`]: crate::vendors::model::MemberRole::allows
    ///
    /// # Errors
    /// `Unauthenticated` without a viewer; `NotFound` when the vendor does not exist;
    /// `Forbidden` when the viewer is not a member or their role does not allow it.
    pub async fn authorize_in(
        &self,
        conn: &impl ConnectionTrait,
        rcx: &RequestContext,
        vendor: VendorId,
        permission: VendorPermission,
    ) -> Result<(Vendor, VendorAccess), VendorError> {
        let found = repo::by_ids(conn, &[vendor]).await?.remove(&vendor);
        if rcx.system {
            return found.map(|v| (v, VendorAccess::Staff)).ok_or(VendorError::NotFound);
        }
        let viewer = rcx.viewer.ok_or(VendorError::Unauthenticated)?;
        let v = found.ok_or(VendorError::NotFound)?;
        if viewer.role >= Role::Staff {
            return Ok((v, VendorAccess::Staff));
        }
        match repo::member_role(conn, vendor, viewer.user_id).await? {
            Some(role) if role.allows(permission) => Ok((v, VendorAccess::Member(role))),
            _ => Err(VendorError::Forbidden),
        }
    }

    /// [`VendorService::authorize_in`] outside a transaction.
    pub async fn authorize(
        &self,
        rcx: &RequestContext,
        vendor: VendorId,
        permission: VendorPermission,
    ) -> Result<(Vendor, VendorAccess), VendorError> {
        self.authorize_in(&self.db, rcx, vendor, permission).await
    }

    /// Makes `user` a member of `vendor` with `role`, inside the caller's transaction: for
    /// accepting an invite and for an approved applicant becoming its vendor's first owner.
    /// The caller has authorised the change.
    pub async fn add_member_in(
        &self,
        conn: &impl ConnectionTrait,
        vendor: VendorId,
        user: UserId,
        role: MemberRole,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        repo::insert_member(conn, vendor, user, role, now).await
    }

    /// The marketplace settings as `conn` sees them (inside the caller's transaction).
    pub async fn settings_in(&self, conn: &impl ConnectionTrait) -> Result<MarketplaceSettings, DbErr> {
        repo::settings(conn).await
    }

    pub async fn by_slug(&self, slug: &str) -> Result<Option<Vendor>, DbErr> {
        repo::find_by_slug(&self.db, slug).await
    }

    /// Whether `id` is a vendor, as `conn` sees it.
    pub async fn exists_in(&self, conn: &impl ConnectionTrait, id: VendorId) -> Result<bool, DbErr> {
        Ok(repo::by_ids(conn, &[id]).await?.contains_key(&id))
    }

    pub async fn by_id(&self, id: VendorId) -> Result<Option<Vendor>, DbErr> {
        Ok(repo::by_ids(&self.db, &[id]).await?.remove(&id))
    }

    pub async fn by_ids(&self, ids: &[VendorId]) -> Result<HashMap<VendorId, Vendor>, DbErr> {
        repo::by_ids(&self.db, ids).await
    }

    pub async fn list(&self) -> Result<Vec<Vendor>, DbErr> {
        repo::list(&self.db).await
    }

    pub async fn count(&self) -> Result<u64, DbErr> {
        repo::count(&self.db).await
    }
}

fn profile_summary(v: &Vendor) -> serde_json::Value {
    json!({
        "name": v.name,
        "description": v.profile.description,
        "logoUrl": v.profile.logo_url,
        "returnPolicy": v.profile.return_policy,
        "supportEmail": v.profile.support_email,
    })
}
