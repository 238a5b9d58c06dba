use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shipping_methods")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    /// `None` = offered for every vendor.
    pub vendor_id: Option<Uuid>,
    pub name: String,
    /// `FLAT` or `WEIGHT_TIERS`.
    pub rate_kind: String,
    pub flat_minor: Option<i64>,
    /// `[{"upToGrams": 500, "priceMinor": 499}, {"upToGrams": null, "priceMinor": 999}]`
    pub tiers: Option<Json>,
    pub currency: String,
    pub free_over_minor: Option<i64>,
    pub tax_class: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
