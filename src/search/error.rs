//! Search errors: bad arguments (top-level `BAD_USER_INPUT` naming the argument and the limit),
//! an unavailable engine (`SEARCH_UNAVAILABLE`), and internal failures (masked).

/// A failure of a search engine adapter. `Display` is generic: engine texts stay in logs.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The engine did not answer in time or refused the connection.
    #[error("search engine unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// The engine answered with an error.
    #[error("search engine error")]
    Failed(#[source] anyhow::Error),
}

impl EngineError {
    pub fn unavailable(e: impl Into<anyhow::Error>) -> Self {
        Self::Unavailable(e.into())
    }
    pub fn failed(e: impl Into<anyhow::Error>) -> Self {
        Self::Failed(e.into())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// An argument the caller must fix: `field` is the argument (`query`, `facets`, `first`,
    /// `after`, `filter.vendorIds`…), `message` names the limit.
    #[error("{message}")]
    BadInput { field: &'static str, message: String },
    /// The engine is down or too slow (past `search.timeout_ms`).
    #[error("search is unavailable")]
    Unavailable(#[source] EngineError),
    #[error("search engine error")]
    Engine(#[source] EngineError),
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
}

impl From<EngineError> for SearchError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Unavailable(_) => SearchError::Unavailable(e),
            EngineError::Failed(_) => SearchError::Engine(e),
        }
    }
}
