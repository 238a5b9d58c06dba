use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vendors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub status: String,
    pub created_at: DateTimeUtc,
    /// Why the vendor was rejected or suspended.
    pub status_reason: Option<String>,
    pub contact_email: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub description: String,
    pub logo_url: Option<String>,
    pub return_policy: String,
    pub support_email: Option<String>,
    /// Trusted vendors' products are approved without review.
    pub trusted: bool,
    /// Commission override in basis points; the platform default when null.
    pub commission_bps: Option<i32>,
    /// The user who applied (null for vendors staff created).
    pub applied_by: Option<Uuid>,
    pub updated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
