use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vendor_orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    pub vendor_id: Uuid,
    /// PAYMENT_PENDING, PAID, PARTIALLY_FULFILLED, FULFILLED, CANCELLED or EXPIRED.
    pub status: String,
    pub shipping_method_id: Option<Uuid>,
    pub shipping_method_name: Option<String>,
    pub shipping_minor: i64,
    pub shipping_tax_minor: i64,
    pub shipping_tax_lines: Json,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
