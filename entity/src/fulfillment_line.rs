use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fulfillment_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub fulfillment_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_line_id: Uuid,
    pub quantity: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
