//! TEMPORARY stand-in until the tax domain lands (settings branch).
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use crate::pricing::TaxRate;

#[derive(Clone)]
pub struct TaxService;

impl TaxService {
    pub fn new(_db: DatabaseConnection) -> Self {
        Self
    }
    pub async fn rates_for(
        &self,
        _conn: &impl ConnectionTrait,
        _country: &str,
        _region: Option<&str>,
    ) -> Result<Vec<TaxRate>, DbErr> {
        Ok(vec![])
    }
}
