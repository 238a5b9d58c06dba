use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tax_rates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// ISO 3166-1 alpha-2, upper-case.
    pub country: String,
    /// ISO 3166-2 subdivision part, upper-case; `None` = the whole country.
    pub region: Option<String>,
    pub tax_class: String,
    pub name: String,
    /// Per cent mille (thousandths of a percent): 20 % = 20000.
    pub rate_pcm: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
