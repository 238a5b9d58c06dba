//! The request context: who is calling, and from where. The first argument of every service
//! call, so ownership rules are enforced in services whatever the transport.

use std::net::IpAddr;

use crate::shared::{ids::UserId, role::Role};

/// An authenticated caller, taken from a verified access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: UserId,
    pub role: Role,
}

#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub viewer: Option<Viewer>,
    pub request_id: String,
    pub client_ip: Option<IpAddr>,
    /// Internal jobs and CLI commands (seeding): allowed staff operations, no user to record.
    pub system: bool,
}

impl RequestContext {
    /// A context for internal jobs and CLI commands: staff rights, no viewer, no IP.
    pub fn system() -> Self {
        Self { viewer: None, request_id: "system".into(), client_ip: None, system: true }
    }

    /// Staff and admins see unpublished catalog data.
    pub fn is_staff(&self) -> bool {
        self.system || self.viewer.is_some_and(|v| v.role >= Role::Staff)
    }
}
