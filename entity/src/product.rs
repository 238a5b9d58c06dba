use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub vendor_id: Uuid,
    pub title: String,
    pub slug: String,
    pub description: String,
    pub status: String,
    /// Lowest price among the product's live variants, kept in step by the catalog service;
    /// it makes "sort by price" a plain indexed column.
    pub min_price_minor: Option<i64>,
    pub currency: String,
    pub tax_class: String,
    /// NOT_SUBMITTED, PENDING_REVIEW, APPROVED or REJECTED.
    pub approval_status: String,
    /// Why the product was rejected.
    pub approval_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
