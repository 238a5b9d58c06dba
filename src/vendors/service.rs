use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use crate::{
    context::RequestContext,
    shared::{
        ids::{UserId, VendorId},
        role::Role,
        text::{Slug, required_text},
    },
    vendors::{
        error::VendorError,
        model::{MarketplaceSettings, MemberRole, NewVendor, Vendor, VendorAccess, VendorPermission},
        repo,
    },
};

#[derive(Clone)]
pub struct VendorService {
    db: DatabaseConnection,
}

impl VendorService {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Creates a vendor; the slug defaults to one derived from the name.
    ///
    /// # Errors
    /// `InvalidName`, `InvalidSlug`, `SlugTaken`; `Forbidden` for non-staff.
    #[tracing::instrument(name = "vendors.create", skip(self, rcx))]
    pub async fn create(&self, rcx: &RequestContext, name: &str, slug: Option<&str>) -> Result<Vendor, VendorError> {
        if !rcx.is_staff() {
            return Err(VendorError::Forbidden);
        }
        let name = required_text(name, 200).ok_or(VendorError::InvalidName)?;
        let slug = match slug {
            Some(s) => Slug::parse(s),
            None => Slug::from_title(&name),
        }
        .map_err(|_| VendorError::InvalidSlug)?;
        repo::insert(&self.db, &NewVendor { name, slug }, Utc::now()).await
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
        now: chrono::DateTime<Utc>,
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

    pub async fn by_id(&self, id: VendorId) -> Result<Option<Vendor>, DbErr> {
        Ok(repo::by_ids(&self.db, &[id]).await?.remove(&id))
    }

    pub async fn by_ids(&self, ids: &[VendorId]) -> Result<std::collections::HashMap<VendorId, Vendor>, DbErr> {
        repo::by_ids(&self.db, ids).await
    }

    pub async fn list(&self) -> Result<Vec<Vendor>, DbErr> {
        repo::list(&self.db).await
    }

    pub async fn count(&self) -> Result<u64, DbErr> {
        repo::count(&self.db).await
    }
}
