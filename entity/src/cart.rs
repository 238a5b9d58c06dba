use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "carts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub customer_id: Option<Uuid>,
    pub status: String,
    pub currency: String,
    pub email: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub shipping_address: Option<Json>,
    pub billing_address: Option<Json>,
    pub discount_codes: Json,
    pub shipping_methods: Json,
    pub completed_order_id: Option<Uuid>,
    /// Bumped by every write to the cart or its lines (checkout compares it).
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
