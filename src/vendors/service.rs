use chrono::Utc;
use sea_orm::{DatabaseConnection, DbErr};

use crate::{
    context::RequestContext,
    shared::{
        ids::VendorId,
        text::{Slug, required_text},
    },
    vendors::{
        error::VendorError,
        model::{NewVendor, Vendor},
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
