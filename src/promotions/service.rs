//! Promotions use cases: staff management of discounts (one transaction each), and the three
//! calls checkout makes inside its own transaction: `candidates`, `redeem_in`, `release_in`.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};

pub use crate::promotions::model::DiscountFields;
use crate::{
    catalog::CatalogService,
    context::RequestContext,
    promotions::{
        error::{PromotionError, path},
        model::{self, Candidates, CodeProblem, Discount, TargetIds, customer_key, normalize_code},
        repo,
    },
    shared::{
        ids::{CategoryId, DiscountId, OrderId},
        money::Currency,
    },
    vendors::VendorService,
};

#[derive(Clone)]
pub struct PromotionService {
    db: DatabaseConnection,
    currency: Currency,
    catalog: CatalogService,
    vendors: VendorService,
}

impl PromotionService {
    pub fn new(db: DatabaseConnection, currency: Currency, catalog: CatalogService, vendors: VendorService) -> Self {
        Self { db, currency, catalog, vendors }
    }

    fn ensure_staff(rcx: &RequestContext) -> Result<(), PromotionError> {
        if rcx.is_staff() { Ok(()) } else { Err(PromotionError::Forbidden) }
    }

    /// The vendor and the target products or categories given in `f` must exist.
    async fn check_references(&self, rcx: &RequestContext, f: &DiscountFields) -> Result<(), PromotionError> {
        if let Some(Some(v)) = f.vendor_id
            && self.vendors.by_id(v).await?.is_none()
        {
            return Err(PromotionError::NotFound { field: path(["vendorId"]) });
        }
        let missing = match &f.target_ids {
            Some(TargetIds::Products(products)) if !products.is_empty() => {
                let found = self.catalog.products_by_ids(rcx, products).await?;
                products.iter().position(|p| !found.contains_key(p))
            }
            Some(TargetIds::Categories(categories)) if !categories.is_empty() => {
                let found: HashSet<CategoryId> =
                    self.catalog.categories(rcx).await?.into_iter().map(|c| c.id).collect();
                categories.iter().position(|c| !found.contains(c))
            }
            _ => None,
        };
        match missing {
            Some(i) => Err(PromotionError::NotFound { field: path(["targetIds", &i.to_string()]) }),
            None => Ok(()),
        }
    }

    /// Creates a discount code or an automatic promotion.
    ///
    /// # Errors
    /// `Required` (code, percentage, targetIds), `Invalid` (code format, percentage, amount,
    /// minSubtotal, endsAt, limits, targetIds), `NotFound` (vendorId, targetIds), `Taken` (code); `Forbidden` for non-staff. Nothing is written on error.
    #[tracing::instrument(name = "promotions.create", skip(self, rcx, f))]
    pub async fn create(&self, rcx: &RequestContext, f: DiscountFields) -> Result<Discount, PromotionError> {
        Self::ensure_staff(rcx)?;
        let discount = model::apply(None, &f, self.currency, Utc::now())?;
        self.check_references(rcx, &f).await?;
        let txn = self.db.begin().await?;
        repo::insert(&txn, &discount, self.currency).await?;
        txn.commit().await?;
        Ok(discount)
    }

    /// As [`PromotionService::create`], on the caller's connection (the demo seed), for a
    /// discount naming no vendor and no targets (their checks read outside the transaction).
    ///
    /// # Errors
    /// As [`PromotionService::create`]; `Invalid` (vendorId, targetIds) when given.
    pub async fn create_in(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        rcx: &RequestContext,
        f: DiscountFields,
    ) -> Result<Discount, PromotionError> {
        Self::ensure_staff(rcx)?;
        if matches!(f.vendor_id, Some(Some(_))) {
            return Err(PromotionError::Invalid { field: path(["vendorId"]), message: "not here" });
        }
        if f.target_ids.is_some() {
            return Err(PromotionError::Invalid { field: path(["targetIds"]), message: "not here" });
        }
        let discount = model::apply(None, &f, self.currency, Utc::now())?;
        repo::insert(conn, &discount, self.currency).await?;
        Ok(discount)
    }

    /// Changes a discount; the usage count is never touched here.
    ///
    /// # Errors
    /// `NotFound` (id), and the errors of [`PromotionService::create`].
    #[tracing::instrument(name = "promotions.update", skip(self, rcx, f))]
    pub async fn update(
        &self,
        rcx: &RequestContext,
        id: DiscountId,
        f: DiscountFields,
    ) -> Result<Discount, PromotionError> {
        Self::ensure_staff(rcx)?;
        self.check_references(rcx, &f).await?;
        let txn = self.db.begin().await?;
        let current = repo::by_id(&txn, id).await?.ok_or_else(|| PromotionError::NotFound { field: path(["id"]) })?;
        let discount = model::apply(Some(&current), &f, self.currency, Utc::now())?;
        repo::update(&txn, &discount, self.currency).await?;
        txn.commit().await?;
        Ok(discount)
    }

    /// Deactivates a discount: it is no longer offered nor redeemable; its history stays.
    ///
    /// # Errors
    /// `NotFound` (id); `Forbidden` for non-staff.
    #[tracing::instrument(name = "promotions.deactivate", skip(self, rcx))]
    pub async fn deactivate(&self, rcx: &RequestContext, id: DiscountId) -> Result<Discount, PromotionError> {
        self.update(rcx, id, DiscountFields { active: Some(false), ..Default::default() }).await
    }

    /// Every discount, newest first (staff only).
    ///
    /// # Errors
    /// `Forbidden` for non-staff.
    pub async fn list(&self, rcx: &RequestContext) -> Result<Vec<Discount>, PromotionError> {
        Self::ensure_staff(rcx)?;
        Ok(repo::list(&self.db).await?)
    }

    /// One discount (staff only); `None` when there is none.
    ///
    /// # Errors
    /// `Forbidden` for non-staff.
    pub async fn by_id(&self, rcx: &RequestContext, id: DiscountId) -> Result<Option<Discount>, PromotionError> {
        Self::ensure_staff(rcx)?;
        Ok(repo::by_id(&self.db, id).await?)
    }

    /// The discounts checkout may apply at `now`: the entered `codes` (matched
    /// case-insensitively; repeats count once) that are usable, plus every active automatic
    /// promotion that is usable, as pricing rules; and, for each entered code that is not
    /// usable, why. Automatic promotions that are not usable are left out silently.
    ///
    /// `customer_key` (a user id or an e-mail, compared case-insensitively) is needed to apply
    /// per-customer limits; without it they are not checked here, nor by
    /// [`PromotionService::redeem_in`].
    ///
    /// Runs on `conn`, so checkout can call it inside its transaction.
    ///
    /// # Errors
    /// Only database errors.
    #[tracing::instrument(name = "promotions.candidates", skip(self, conn, customer_key))]
    pub async fn candidates(
        &self,
        conn: &impl ConnectionTrait,
        codes: &[String],
        customer_key: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Candidates, DbErr> {
        let key = customer_key.and_then(self::customer_key);
        let wanted: Vec<String> = codes.iter().filter_map(|c| normalize_code(c)).collect();
        let by_code: HashMap<String, Discount> =
            repo::by_codes(conn, &wanted).await?.into_iter().filter_map(|d| d.code.clone().map(|c| (c, d))).collect();
        let automatic = repo::active_automatic(conn).await?;
        let uses = match &key {
            Some(k) => {
                let limited: Vec<DiscountId> = by_code
                    .values()
                    .chain(&automatic)
                    .filter(|d| d.per_customer_limit.is_some())
                    .map(|d| d.id)
                    .collect();
                repo::customer_uses(conn, &limited, k).await?
            }
            None => HashMap::new(),
        };
        let uses_of = |id: DiscountId| key.as_ref().map(|_| uses.get(&id).copied().unwrap_or(0));

        let mut out = Candidates::default();
        let mut applied = HashSet::new();
        for entered in codes {
            match normalize_code(entered).and_then(|c| by_code.get(&c)) {
                None => out.problems.push((entered.clone(), CodeProblem::Unknown)),
                Some(d) => match d.problem_at(now, uses_of(d.id)) {
                    Some(problem) => out.problems.push((entered.clone(), problem)),
                    None if applied.insert(d.id) => out.rules.push(d.to_rule()),
                    None => {}
                },
            }
        }
        for d in &automatic {
            if d.problem_at(now, uses_of(d.id)).is_none() && applied.insert(d.id) {
                out.rules.push(d.to_rule());
            }
        }
        Ok(out)
    }

    /// Records one use of a discount by an order, inside the caller's transaction.
    ///
    /// The global usage limit is taken with one guarded statement (`used_count + 1` only while
    /// active and below the limit), never a read-then-write, so concurrent checkouts cannot
    /// overshoot it. The per-customer limit is counted after that statement: by then the
    /// discount row is locked by this transaction (PostgreSQL) or the database is (SQLite), so
    /// concurrent redemptions of the same discount are serialised and the count is exact. When
    /// the customer limit refuses, the use just taken is given back before returning, so the
    /// counter stays right even if the caller commits anyway.
    ///
    /// Dates are not checked again: checkout redeems what [`PromotionService::candidates`]
    /// returned. Call it late in the checkout transaction: on PostgreSQL the discount row
    /// stays locked until that transaction ends, so concurrent checkouts using the same
    /// discount (an automatic promotion, typically) wait for each other until then.
    ///
    /// # Errors
    /// `UsageLimitReached` when the limit is reached or the discount is inactive or missing;
    /// `CustomerLimitReached`; `Db`.
    #[tracing::instrument(name = "promotions.redeem", skip(self, conn, customer_key))]
    pub async fn redeem_in(
        &self,
        conn: &impl ConnectionTrait,
        discount_id: DiscountId,
        order_id: OrderId,
        customer_key: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), PromotionError> {
        let key = customer_key.and_then(self::customer_key);
        if !repo::take_use(conn, discount_id).await? {
            let code = repo::code_of(conn, discount_id).await?.flatten();
            return Err(PromotionError::UsageLimitReached { code });
        }
        if let Some(k) = &key {
            let discount = repo::by_id(conn, discount_id).await?;
            if let Some(d) = discount
                && let Some(max) = d.per_customer_limit
                && repo::count_customer_uses(conn, discount_id, k).await? >= u64::try_from(max).unwrap_or(0)
            {
                repo::give_back_use(conn, discount_id).await?;
                return Err(PromotionError::CustomerLimitReached { code: d.code });
            }
        }
        repo::insert_redemption(conn, discount_id, order_id, key.as_deref(), now).await?;
        Ok(())
    }

    /// Gives back the discount uses of an order (cancelled, or its payment failed), inside the
    /// caller's transaction: each unreleased redemption gets `released_at = now` and its
    /// discount's `used_count` goes down by one (guarded, never below zero). Releasing twice
    /// releases once.
    ///
    /// # Errors
    /// Only database errors.
    #[tracing::instrument(name = "promotions.release", skip(self, conn))]
    pub async fn release_in(
        &self,
        conn: &impl ConnectionTrait,
        order_id: OrderId,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        for (redemption, discount) in repo::unreleased_of_order(conn, order_id).await? {
            if repo::mark_released(conn, redemption, now).await? {
                repo::give_back_use(conn, discount).await?;
            }
        }
        Ok(())
    }
}
