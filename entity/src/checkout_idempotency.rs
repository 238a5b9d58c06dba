use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checkout_idempotency")]
pub struct Model {
    pub principal_key: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub idempotency_key: String,
    pub cart_id: Uuid,
    pub order_id: Uuid,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
