use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "marketplace_settings")]
pub struct Model {
    /// Always 1: one row.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub default_commission_bps: i32,
    /// Whether an edit to an approved product sends it back to review.
    pub review_approved_edits: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
