//! Category use cases: create, update (including moving in the tree), archive.

use chrono::Utc;
use sea_orm::TransactionTrait;

use super::*;

impl CatalogService {
    /// Creates a category, at the top level or below `parent_id`.
    ///
    /// # Errors
    /// `Required`/`Invalid` (name, slug), `Taken` (slug), `NotFound` (parentId); `Forbidden`.
    #[tracing::instrument(name = "catalog.create_category", skip(self, rcx))]
    pub async fn create_category(&self, rcx: &RequestContext, f: CategoryFields) -> Result<Category, CatalogError> {
        let txn = self.db.begin().await?;
        let category = self.create_category_in(&txn, rcx, f).await?;
        txn.commit().await?;
        Ok(category)
    }

    /// As [`CatalogService::create_category`], on the caller's connection (the demo seed).
    ///
    /// # Errors
    /// As [`CatalogService::create_category`].
    pub async fn create_category_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        rcx: &RequestContext,
        f: CategoryFields,
    ) -> Result<Category, CatalogError> {
        Self::ensure_staff(rcx)?;
        let name = text(f.name.as_deref().unwrap_or_default(), MAX_TITLE, path(["name"]))?;
        let slug = match &f.slug {
            Some(s) => Slug::parse(s),
            None => Slug::from_title(&name),
        }
        .map_err(|_| CatalogError::Invalid {
            field: path(["slug"]),
            message: "slugs are lowercase letters, digits and dashes",
        })?;
        let all = repo::all_categories(conn).await?;
        let parent_id = f.parent_id.flatten();
        if let Some(p) = parent_id
            && !all.iter().any(|c| c.id == p)
        {
            return Err(CatalogError::NotFound { field: path(["parentId"]) });
        }
        let category = Category {
            id: CategoryId::new(),
            parent_id,
            name,
            slug,
            description: f.description.unwrap_or_default(),
            position: f.position.unwrap_or(0),
            archived: false,
        };
        repo::insert_category(conn, &category, Utc::now()).await?;
        Ok(category)
    }

    /// Updates a category; moving it below one of its own descendants is refused.
    ///
    /// # Errors
    /// `NotFound` (id, parentId), `CategoryCycle`, `Invalid`, `Taken`; `Forbidden`.
    #[tracing::instrument(name = "catalog.update_category", skip(self, rcx))]
    pub async fn update_category(
        &self,
        rcx: &RequestContext,
        id: CategoryId,
        f: CategoryFields,
    ) -> Result<Category, CatalogError> {
        Self::ensure_staff(rcx)?;
        let txn = self.db.begin().await?;
        let all = repo::all_categories(&txn).await?;
        let mut c = all.iter().find(|c| c.id == id).cloned().ok_or(CatalogError::NotFound { field: path(["id"]) })?;
        if let Some(name) = &f.name {
            c.name = text(name, MAX_TITLE, path(["name"]))?;
        }
        if let Some(s) = &f.slug {
            c.slug = Slug::parse(s).map_err(|_| CatalogError::Invalid {
                field: path(["slug"]),
                message: "slugs are lowercase letters, digits and dashes",
            })?;
        }
        if let Some(d) = f.description {
            c.description = d;
        }
        if let Some(p) = f.position {
            c.position = p;
        }
        if let Some(parent) = f.parent_id {
            if let Some(p) = parent {
                if !all.iter().any(|x| x.id == p) {
                    return Err(CatalogError::NotFound { field: path(["parentId"]) });
                }
                if would_cycle(&all, id, p) {
                    return Err(CatalogError::CategoryCycle { field: path(["parentId"]) });
                }
            }
            c.parent_id = parent;
        }
        repo::update_category(&txn, &c).await?;
        txn.commit().await?;
        Ok(c)
    }

    /// Archives a category: hidden from the storefront tree; products keep their links.
    ///
    /// # Errors
    /// `NotFound`; `Forbidden`.
    #[tracing::instrument(name = "catalog.archive_category", skip(self, rcx))]
    pub async fn archive_category(&self, rcx: &RequestContext, id: CategoryId) -> Result<Category, CatalogError> {
        Self::ensure_staff(rcx)?;
        let txn = self.db.begin().await?;
        let all = repo::all_categories(&txn).await?;
        let mut c = all.into_iter().find(|c| c.id == id).ok_or(CatalogError::NotFound { field: path(["id"]) })?;
        c.archived = true;
        repo::update_category(&txn, &c).await?;
        txn.commit().await?;
        Ok(c)
    }
}
