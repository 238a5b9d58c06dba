use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "discounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Upper-cased; `None` for an automatic promotion.
    pub code: Option<String>,
    pub automatic: bool,
    /// `PERCENTAGE` or `FIXED`.
    pub value_kind: String,
    pub percentage_bp: Option<i32>,
    pub amount_minor: Option<i64>,
    pub currency: String,
    /// `SUBTOTAL`, `PRODUCTS` or `CATEGORIES`.
    pub target: String,
    /// `["<uuid>", …]`: product or category ids, by `target`.
    pub target_ids: Json,
    pub vendor_id: Option<Uuid>,
    pub min_subtotal_minor: Option<i64>,
    pub starts_at: Option<DateTimeUtc>,
    pub ends_at: Option<DateTimeUtc>,
    pub usage_limit: Option<i32>,
    pub used_count: i32,
    pub per_customer_limit: Option<i32>,
    pub combines_with_others: bool,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
