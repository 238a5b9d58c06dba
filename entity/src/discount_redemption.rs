use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "discount_redemptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub discount_id: Uuid,
    pub order_id: Uuid,
    /// A user id or a lower-cased e-mail.
    pub customer_key: Option<String>,
    pub created_at: DateTimeUtc,
    /// Set when the order's discount use was given back (cancelled or failed order).
    pub released_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
