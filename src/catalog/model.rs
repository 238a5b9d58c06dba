//! Catalog types and pure rules.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::shared::{
    ids::{CategoryId, ProductId, ProductImageId, StockMovementId, UserId, VariantId, VendorId},
    money::{Currency, Money},
    text::{Sku, Slug},
};

/// Whether a product is visible to shoppers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProductStatus {
    /// Being prepared; staff only.
    Draft,
    /// On sale.
    Active,
    /// Withdrawn; kept for order history.
    Archived,
}

impl ProductStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ProductStatus::Draft => "DRAFT",
            ProductStatus::Active => "ACTIVE",
            ProductStatus::Archived => "ARCHIVED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "DRAFT" => Some(ProductStatus::Draft),
            "ACTIVE" => Some(ProductStatus::Active),
            "ARCHIVED" => Some(ProductStatus::Archived),
            _ => None,
        }
    }
}

/// Where a product is in staff review, beside its [`ProductStatus`]: a product is on the
/// storefront only when ACTIVE **and** `Approved` (and its vendor is active).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApprovalStatus {
    /// Created by a vendor member and not yet sent to review.
    NotSubmitted,
    /// Waiting for a staff decision.
    PendingReview,
    /// Allowed on the storefront.
    Approved,
    /// Refused by staff, with a reason; the vendor may fix it and submit again.
    Rejected,
}

impl ApprovalStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ApprovalStatus::NotSubmitted => "NOT_SUBMITTED",
            ApprovalStatus::PendingReview => "PENDING_REVIEW",
            ApprovalStatus::Approved => "APPROVED",
            ApprovalStatus::Rejected => "REJECTED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::NotSubmitted, Self::PendingReview, Self::Approved, Self::Rejected].into_iter().find(|a| a.as_str() == s)
    }
}

/// Something that moves a product through review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalEvent {
    /// A vendor member sends the product to review; a trusted vendor's is approved at once.
    Submit { trusted: bool },
    /// Staff approve a product waiting for review.
    Approve,
    /// Staff reject a product waiting for review.
    Reject,
    /// A vendor member changed the content of the product (title, description, slug,
    /// categories, attributes, images) while `review_edits` (the marketplace setting) is on.
    ContentEdited { review_edits: bool, trusted: bool },
}

/// What a product's history records for a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryAction {
    /// The product was created (with its first approval status).
    Created,
    /// Sent to review by a vendor member.
    Submitted,
    /// Approved without review: its vendor is trusted.
    AutoApproved,
    /// Approved by staff.
    Approved,
    /// Rejected by staff, with a reason.
    Rejected,
    /// An edit of approved content sent it back to review.
    Edited,
}

impl HistoryAction {
    pub fn as_str(&self) -> &'static str {
        match self {
            HistoryAction::Created => "CREATED",
            HistoryAction::Submitted => "SUBMITTED",
            HistoryAction::AutoApproved => "AUTO_APPROVED",
            HistoryAction::Approved => "APPROVED",
            HistoryAction::Rejected => "REJECTED",
            HistoryAction::Edited => "EDITED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Created, Self::Submitted, Self::AutoApproved, Self::Approved, Self::Rejected, Self::Edited]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// Why an approval event does not apply to a product's current approval status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransitionRefused;

/// The approval transition table: the status after `event`, with the history action to record;
/// `Ok(None)` when the event changes nothing (an edit that needs no review). Submitting works
/// from NOT_SUBMITTED and REJECTED; staff decide on PENDING_REVIEW only.
pub fn approval_transition(
    from: ApprovalStatus,
    event: ApprovalEvent,
) -> Result<Option<(ApprovalStatus, HistoryAction)>, TransitionRefused> {
    use ApprovalStatus::*;
    match (from, event) {
        (NotSubmitted | Rejected, ApprovalEvent::Submit { trusted: true }) => {
            Ok(Some((Approved, HistoryAction::AutoApproved)))
        }
        (NotSubmitted | Rejected, ApprovalEvent::Submit { trusted: false }) => {
            Ok(Some((PendingReview, HistoryAction::Submitted)))
        }
        (PendingReview, ApprovalEvent::Approve) => Ok(Some((Approved, HistoryAction::Approved))),
        (PendingReview, ApprovalEvent::Reject) => Ok(Some((Rejected, HistoryAction::Rejected))),
        (Approved, ApprovalEvent::ContentEdited { review_edits: true, trusted: false }) => {
            Ok(Some((PendingReview, HistoryAction::Edited)))
        }
        (_, ApprovalEvent::ContentEdited { .. }) => Ok(None),
        _ => Err(TransitionRefused),
    }
}

/// One entry of a product's approval history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub product_id: ProductId,
    pub vendor_id: VendorId,
    /// Who did it; `None` for system jobs.
    pub actor_id: Option<UserId>,
    pub action: HistoryAction,
    pub from: Option<ApprovalStatus>,
    pub to: Option<ApprovalStatus>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: CategoryId,
    pub parent_id: Option<CategoryId>,
    pub name: String,
    pub slug: Slug,
    pub description: String,
    pub position: i32,
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: ProductId,
    pub vendor_id: VendorId,
    pub title: String,
    pub slug: Slug,
    pub description: String,
    pub status: ProductStatus,
    /// Staff review state; the storefront shows `Approved` products only.
    pub approval_status: ApprovalStatus,
    /// Why staff rejected the product (kept until the next decision).
    pub approval_reason: Option<String>,
    /// The lowest price among live variants; `None` when it has none.
    pub min_price: Option<Money>,
    pub currency: Currency,
    /// Which tax rates apply ("standard", "reduced", …).
    pub tax_class: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductImage {
    pub id: ProductImageId,
    pub product_id: ProductId,
    pub url: String,
    pub alt: String,
    pub position: i32,
}

/// A typed attribute value, for facets ("material = linen", "weight_kg = 1.2").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValue {
    Text(String),
    Number(Decimal),
    Boolean(bool),
}

impl AttributeValue {
    pub fn kind(&self) -> &'static str {
        match self {
            AttributeValue::Text(_) => "TEXT",
            AttributeValue::Number(_) => "NUMBER",
            AttributeValue::Boolean(_) => "BOOLEAN",
        }
    }

    /// The canonical text form stored and matched in filters.
    pub fn canonical(&self) -> String {
        match self {
            AttributeValue::Text(s) => s.clone(),
            AttributeValue::Number(d) => d.normalize().to_string(),
            AttributeValue::Boolean(b) => b.to_string(),
        }
    }

    pub fn from_stored(kind: &str, value: &str) -> Option<Self> {
        match kind {
            "TEXT" => Some(AttributeValue::Text(value.to_owned())),
            "NUMBER" => value.parse().ok().map(AttributeValue::Number),
            "BOOLEAN" => value.parse().ok().map(AttributeValue::Boolean),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub key: String,
    pub value: AttributeValue,
}

/// An option of a variant, e.g. `Size = M`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OptionValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub id: VariantId,
    pub product_id: ProductId,
    pub sku: Sku,
    pub title: String,
    pub options: Vec<OptionValue>,
    pub price: Money,
    pub compare_at_price: Option<Money>,
    pub stock_on_hand: i32,
    /// Units held by unpaid or unfulfilled orders.
    pub reserved: i32,
    pub weight_grams: Option<i32>,
    pub position: i32,
    pub archived: bool,
}

impl Variant {
    /// Units that can still be sold: on hand minus reserved.
    pub fn available(&self) -> i32 {
        (self.stock_on_hand - self.reserved).max(0)
    }
}

/// A variant that can be sold now: not archived, its product ACTIVE and APPROVED (and, checked
/// by the query that loads it, its vendor ACTIVE).
#[derive(Debug, Clone)]
pub struct Sellable {
    pub variant: Variant,
    pub product: Product,
    pub category_ids: Vec<CategoryId>,
}

impl Sellable {
    /// `variant` of `product` if it can be sold now.
    pub fn of(variant: Variant, product: &Product, category_ids: Vec<CategoryId>) -> Option<Self> {
        (!variant.archived
            && product.status == ProductStatus::Active
            && product.approval_status == ApprovalStatus::Approved
            && variant.product_id == product.id)
            .then(|| Self { variant, product: product.clone(), category_ids })
    }
}

/// Why stock changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockReason {
    Received,
    Correction,
    Damaged,
    Returned,
    Lost,
}

impl StockReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            StockReason::Received => "RECEIVED",
            StockReason::Correction => "CORRECTION",
            StockReason::Damaged => "DAMAGED",
            StockReason::Returned => "RETURNED",
            StockReason::Lost => "LOST",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Received, Self::Correction, Self::Damaged, Self::Returned, Self::Lost]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockMovement {
    pub id: StockMovementId,
    pub variant_id: VariantId,
    pub delta: i32,
    pub quantity_after: i32,
    pub reason: StockReason,
    pub note: Option<String>,
    pub actor_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

/// How a product list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProductSort {
    #[default]
    Newest,
    /// Oldest created first (the review queue).
    Oldest,
    PriceAsc,
    PriceDesc,
    TitleAsc,
}

/// Which products a list shows. Category filters are already expanded to their descendants.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    /// Staff see every status; storefront callers ACTIVE only.
    pub statuses: Vec<ProductStatus>,
    /// Storefront lists: only APPROVED products of ACTIVE vendors.
    pub storefront: bool,
    /// Only these approval statuses (empty: all).
    pub approval_statuses: Vec<ApprovalStatus>,
    pub category_ids: Option<Vec<CategoryId>>,
    pub vendor_id: Option<VendorId>,
    pub min_price_minor: Option<i64>,
    pub max_price_minor: Option<i64>,
    /// Each entry: the product has attribute `key` with one of `values`.
    pub attributes: Vec<(String, Vec<String>)>,
    pub in_stock: bool,
    /// Case-insensitive substring of the title.
    pub title_contains: Option<String>,
}

/// The ids of `root` and all categories below it.
pub fn descendants(all: &[Category], root: CategoryId) -> Vec<CategoryId> {
    let mut children: HashMap<CategoryId, Vec<CategoryId>> = HashMap::new();
    for c in all {
        if let Some(p) = c.parent_id {
            children.entry(p).or_default().push(c.id);
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        if let Some(kids) = children.get(&out[i]) {
            let new: Vec<CategoryId> = kids.iter().copied().filter(|k| !out.contains(k)).collect();
            out.extend(new);
        }
        i += 1;
    }
    out
}

/// The path from the root down to `id` (inclusive); empty when `id` is unknown.
pub fn breadcrumbs(all: &[Category], id: CategoryId) -> Vec<Category> {
    let by_id: HashMap<CategoryId, &Category> = all.iter().map(|c| (c.id, c)).collect();
    let mut path = Vec::new();
    let mut cur = by_id.get(&id).copied();
    while let Some(c) = cur {
        if path.iter().any(|p: &Category| p.id == c.id) {
            break;
        }
        path.push(c.clone());
        cur = c.parent_id.and_then(|p| by_id.get(&p).copied());
    }
    path.reverse();
    path
}

/// Whether making `new_parent` the parent of `id` would create a cycle.
pub fn would_cycle(all: &[Category], id: CategoryId, new_parent: CategoryId) -> bool {
    descendants(all, id).contains(&new_parent)
}

/// Products and variants for other domains' unit tests.
#[cfg(test)]
pub mod fixtures {
    use super::*;

    /// An ACTIVE product of `vendor` in USD, of the standard tax class.
    pub fn product(vendor: VendorId) -> Product {
        let now = DateTime::<Utc>::UNIX_EPOCH;
        Product {
            id: ProductId::new(),
            vendor_id: vendor,
            title: "Mug".into(),
            slug: Slug::parse("mug").unwrap(),
            description: String::new(),
            status: ProductStatus::Active,
            approval_status: ApprovalStatus::Approved,
            approval_reason: None,
            min_price: None,
            currency: Currency::USD,
            tax_class: "standard".into(),
            created_at: now,
            updated_at: now,
        }
    }

    /// A live variant of `product` at `cents` with `stock` on hand, none reserved.
    pub fn variant(product: &Product, cents: i64, stock: i32) -> Variant {
        Variant {
            id: VariantId::new(),
            product_id: product.id,
            sku: Sku::parse("MUG-1").unwrap(),
            title: "Default".into(),
            options: vec![],
            price: Money::from_minor(cents, Currency::USD),
            compare_at_price: None,
            stock_on_hand: stock,
            reserved: 0,
            weight_grams: Some(500),
            position: 0,
            archived: false,
        }
    }

    /// A sellable variant of a new product of `vendor`.
    pub fn sellable(vendor: VendorId, cents: i64, stock: i32) -> Sellable {
        let p = product(vendor);
        Sellable::of(variant(&p, cents, stock), &p, vec![]).expect("sellable")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(id: CategoryId, parent: Option<CategoryId>, slug: &str) -> Category {
        Category {
            id,
            parent_id: parent,
            name: slug.into(),
            slug: Slug::parse(slug).unwrap(),
            description: String::new(),
            position: 0,
            archived: false,
        }
    }

    #[test]
    fn descendants_breadcrumbs_and_cycles() {
        let (a, b, c, d) = (CategoryId::new(), CategoryId::new(), CategoryId::new(), CategoryId::new());
        let all = vec![cat(a, None, "a"), cat(b, Some(a), "b"), cat(c, Some(b), "c"), cat(d, None, "d")];
        let mut desc = descendants(&all, a);
        desc.sort();
        let mut expected = vec![a, b, c];
        expected.sort();
        assert_eq!(desc, expected);
        assert_eq!(breadcrumbs(&all, c).iter().map(|x| x.slug.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
        assert!(would_cycle(&all, a, c));
        assert!(!would_cycle(&all, c, d));
    }

    #[test]
    fn attribute_values_have_a_canonical_form() {
        assert_eq!(AttributeValue::Number("1.50".parse().unwrap()).canonical(), "1.5");
        assert_eq!(AttributeValue::from_stored("BOOLEAN", "true"), Some(AttributeValue::Boolean(true)));
        assert_eq!(AttributeValue::from_stored("NUMBER", "x"), None);
    }

    #[test]
    fn sellable_only_live_variants_of_active_products() {
        use fixtures::{product, variant};
        let mut p = product(VendorId::new());
        assert!(Sellable::of(variant(&p, 100, 1), &p, vec![]).is_some());
        let mut archived = variant(&p, 100, 1);
        archived.archived = true;
        assert!(Sellable::of(archived, &p, vec![]).is_none(), "archived variant");
        let other = product(p.vendor_id);
        assert!(Sellable::of(variant(&other, 100, 1), &p, vec![]).is_none(), "another product's variant");
        for approval in [ApprovalStatus::NotSubmitted, ApprovalStatus::PendingReview, ApprovalStatus::Rejected] {
            let mut q = p.clone();
            q.approval_status = approval;
            assert!(Sellable::of(variant(&q, 100, 1), &q, vec![]).is_none(), "{approval:?} product");
        }
        for status in [ProductStatus::Draft, ProductStatus::Archived] {
            p.status = status;
            assert!(Sellable::of(variant(&p, 100, 1), &p, vec![]).is_none(), "{status:?} product");
        }
    }

    #[test]
    fn approval_transitions_follow_the_table() {
        use ApprovalEvent::*;
        use ApprovalStatus::*;
        let all = [NotSubmitted, PendingReview, Approved, Rejected];
        let events = [
            Submit { trusted: false },
            Submit { trusted: true },
            Approve,
            Reject,
            ContentEdited { review_edits: true, trusted: false },
            ContentEdited { review_edits: false, trusted: false },
            ContentEdited { review_edits: true, trusted: true },
        ];
        for from in all {
            for event in events {
                let expected = match (from, event) {
                    (NotSubmitted | Rejected, Submit { trusted: false }) => {
                        Ok(Some((PendingReview, HistoryAction::Submitted)))
                    }
                    (NotSubmitted | Rejected, Submit { trusted: true }) => {
                        Ok(Some((Approved, HistoryAction::AutoApproved)))
                    }
                    (PendingReview, Approve) => Ok(Some((Approved, HistoryAction::Approved))),
                    (PendingReview, Reject) => Ok(Some((Rejected, HistoryAction::Rejected))),
                    (Approved, ContentEdited { review_edits: true, trusted: false }) => {
                        Ok(Some((PendingReview, HistoryAction::Edited)))
                    }
                    (_, ContentEdited { .. }) => Ok(None),
                    _ => Err(TransitionRefused),
                };
                assert_eq!(approval_transition(from, event), expected, "{from:?} + {event:?}");
            }
        }
        // the ones that matter, spelled out
        assert_eq!(approval_transition(Approved, Approve), Err(TransitionRefused), "approving twice");
        assert_eq!(approval_transition(Approved, Submit { trusted: false }), Err(TransitionRefused));
        assert_eq!(approval_transition(PendingReview, Submit { trusted: false }), Err(TransitionRefused));
        assert_eq!(
            approval_transition(NotSubmitted, Approve),
            Err(TransitionRefused),
            "staff review submitted products"
        );
        for s in all {
            assert_eq!(ApprovalStatus::parse(s.as_str()), Some(s));
        }
        for a in [
            HistoryAction::Created,
            HistoryAction::Submitted,
            HistoryAction::AutoApproved,
            HistoryAction::Approved,
            HistoryAction::Rejected,
            HistoryAction::Edited,
        ] {
            assert_eq!(HistoryAction::parse(a.as_str()), Some(a));
        }
    }
}
