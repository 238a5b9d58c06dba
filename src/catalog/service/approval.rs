//! Product review: vendors submit, staff approve or reject (compare-and-set, so of two
//! concurrent decisions one wins and the other gets `InvalidApprovalTransition`), the review
//! queue and a product's history. Every transition writes the product's history in its
//! transaction; staff decisions also write the audit log.

use chrono::Utc;
use sea_orm::TransactionTrait;
use serde_json::json;

use super::*;
use crate::audit::{self, model::NewAuditEntry};

const MAX_REASON: usize = 1000;
const MAX_HISTORY: u64 = 100;

impl CatalogService {
    /// Sends a product to staff review: NOT_SUBMITTED or REJECTED → PENDING_REVIEW, or straight
    /// to APPROVED (AUTO_APPROVED) when its vendor is trusted. For members of the product's
    /// vendor with `Catalog` (vendor ACTIVE), and staff.
    ///
    /// # Errors
    /// `NotFound` (id), `InvalidApprovalTransition` (already in review or approved),
    /// `VendorNotActive` (id); `Unauthenticated`, `Forbidden`.
    #[tracing::instrument(name = "catalog.submit_for_review", skip(self, rcx))]
    pub async fn submit_for_review(&self, rcx: &RequestContext, id: ProductId) -> Result<Product, CatalogError> {
        let txn = self.db.begin().await?;
        let (mut p, vendor, _) = self.product_for_edit(&txn, rcx, id, path(["id"])).await?;
        let event = ApprovalEvent::Submit { trusted: vendor.trusted };
        self.transition_in(&txn, rcx, &mut p, event, None).await?;
        txn.commit().await?;
        Ok(p)
    }

    /// Staff approve a product waiting for review (PENDING_REVIEW → APPROVED); audited as
    /// `product.approve`.
    ///
    /// # Errors
    /// `NotFound` (id), `InvalidApprovalTransition` (not waiting for review, e.g. approved
    /// already); `Unauthenticated`, `Forbidden` (not staff).
    #[tracing::instrument(name = "catalog.approve_product", skip(self, rcx))]
    pub async fn approve_product(&self, rcx: &RequestContext, id: ProductId) -> Result<Product, CatalogError> {
        self.decide(rcx, id, ApprovalEvent::Approve, None).await
    }

    /// Staff reject a product waiting for review (PENDING_REVIEW → REJECTED) with a reason the
    /// vendor sees; audited as `product.reject`.
    ///
    /// # Errors
    /// `Required` / `Invalid` (reason: 1 to 1,000 characters), `NotFound` (id),
    /// `InvalidApprovalTransition`; `Unauthenticated`, `Forbidden` (not staff).
    #[tracing::instrument(name = "catalog.reject_product", skip(self, rcx, reason))]
    pub async fn reject_product(
        &self,
        rcx: &RequestContext,
        id: ProductId,
        reason: &str,
    ) -> Result<Product, CatalogError> {
        Self::ensure_staff(rcx)?;
        let reason = text(reason, MAX_REASON, path(["reason"]))?;
        self.decide(rcx, id, ApprovalEvent::Reject, Some(reason)).await
    }

    async fn decide(
        &self,
        rcx: &RequestContext,
        id: ProductId,
        event: ApprovalEvent,
        reason: Option<String>,
    ) -> Result<Product, CatalogError> {
        Self::ensure_staff(rcx)?;
        let txn = self.db.begin().await?;
        let mut p = repo::products_by_ids(&txn, &[id])
            .await?
            .remove(&id)
            .ok_or(CatalogError::NotFound { field: path(["id"]) })?;
        let from = p.approval_status;
        let now = self.transition_in(&txn, rcx, &mut p, event, reason.clone()).await?;
        let action = if event == ApprovalEvent::Approve { "product.approve" } else { "product.reject" };
        let entry = NewAuditEntry::new(
            action,
            "Product",
            id.0,
            json!({ "approvalStatus": from.as_str() }),
            json!({ "approvalStatus": p.approval_status.as_str(), "reason": reason }),
        )
        .vendor(p.vendor_id);
        audit::record_in(&txn, rcx, entry, now).await?;
        txn.commit().await?;
        Ok(p)
    }

    /// Applies `event` to `p` inside `conn`: the transition table, a compare-and-set update
    /// (refused when another decision came first) and the history entry. Returns the time used.
    async fn transition_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        rcx: &RequestContext,
        p: &mut Product,
        event: ApprovalEvent,
        reason: Option<String>,
    ) -> Result<chrono::DateTime<Utc>, CatalogError> {
        let refused = || CatalogError::InvalidApprovalTransition { field: path(["id"]) };
        let (to, action) = approval_transition(p.approval_status, event).map_err(|_| refused())?.ok_or_else(refused)?;
        let from = p.approval_status;
        let now = Utc::now();
        if !repo::set_approval(conn, p.id, from, to, reason.as_deref(), now).await? {
            return Err(refused());
        }
        p.approval_status = to;
        p.approval_reason = reason.clone();
        p.updated_at = now;
        Self::record_history(conn, rcx, p, action, Some(from), reason, now).await?;
        let event_type = if to == ApprovalStatus::Approved {
            super::events::PRODUCT_APPROVED
        } else {
            super::events::PRODUCT_REVIEW_CHANGED
        };
        self.product_event_in(conn, p, event_type).await?;
        Ok(now)
    }

    /// Products waiting for review, oldest first (staff only).
    ///
    /// # Errors
    /// `Unauthenticated`, `Forbidden`.
    #[tracing::instrument(name = "catalog.review_queue", skip(self, rcx))]
    pub async fn review_queue(
        &self,
        rcx: &RequestContext,
        page: &PageRequest,
    ) -> Result<(Page<Product>, u64), CatalogError> {
        Self::ensure_staff(rcx)?;
        let filter = ProductFilter { approval_statuses: vec![ApprovalStatus::PendingReview], ..Default::default() };
        let items = repo::list_products(&self.db, &filter, ProductSort::Oldest, page).await?;
        Ok((items, repo::count_products(&self.db, &filter).await?))
    }

    /// `product`'s history, newest first (at most 100 entries), when `rcx` may see it: staff and
    /// the members of its vendor; `None` for everyone else.
    pub async fn product_history(
        &self,
        rcx: &RequestContext,
        product: &Product,
    ) -> Result<Option<Vec<HistoryEntry>>, DbErr> {
        if !self.viewable_vendors(rcx, &[product.vendor_id]).await?.contains(&product.vendor_id) {
            return Ok(None);
        }
        Ok(Some(repo::history(&self.db, product.id, MAX_HISTORY).await?))
    }
}
