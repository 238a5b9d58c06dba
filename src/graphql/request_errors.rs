//! Every top-level error leaves with `extensions.code` and `extensions.requestId` (issue 17):
//! a document that does not parse is `GRAPHQL_PARSE_FAILED`, one the schema refuses
//! `GRAPHQL_VALIDATION_FAILED` (`DEPTH_LIMIT_EXCEEDED` when nested too deep), and an error the
//! executor raised without a code (an argument value it could not coerce) `BAD_USER_INPUT`.
//! Errors that carry a code already (`COST_EXCEEDED`, domain and auth errors) keep it.

use std::{
    any::TypeId,
    sync::{Arc, Mutex},
};

use async_graphql::{
    Request, Response, ServerError, ServerResult, ValidationResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest, NextValidation,
    },
    parser::types::ExecutableDocument,
};

use crate::context::RequestContext;

/// The extension factory (one instance per request).
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension::default())
    }
}

#[derive(Default)]
struct ErrorCodesExtension {
    /// The request's id, read from its data (the `request` hook cannot see request data).
    request_id: Mutex<Option<String>>,
}

/// Sets `code` on `error` unless it has one.
fn with_code(mut error: ServerError, code: &str) -> ServerError {
    let ext = error.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_none() {
        ext.set("code", code);
    }
    error
}

#[async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let rcx = request.data.get(&TypeId::of::<RequestContext>()).and_then(|d| d.downcast_ref::<RequestContext>());
        *self.request_id.lock().expect("request id") = rcx.map(|rcx| rcx.request_id.clone());
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|e| with_code(e, "GRAPHQL_PARSE_FAILED"))
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|e| {
                    let code = if e.message.contains("nested too deep") {
                        "DEPTH_LIMIT_EXCEEDED"
                    } else {
                        "GRAPHQL_VALIDATION_FAILED"
                    };
                    with_code(e, code)
                })
                .collect()
        })
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        let request_id = self.request_id.lock().expect("request id").clone();
        response.errors = std::mem::take(&mut response.errors)
            .into_iter()
            .map(|e| {
                let mut e = with_code(e, "BAD_USER_INPUT");
                if let Some(id) = &request_id {
                    e.extensions.get_or_insert_with(Default::default).set("requestId", id.as_str());
                }
                e
            })
            .collect();
        response
    }
}
