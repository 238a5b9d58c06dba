use crate::{
    error::{ErrorCode, InvalidIdAt, RequestError, UserErrorParts},
    vendors::model::{InvalidField, InvalidTransition, InviteRefusal},
};

/// The codes of [`VendorError`]'s user errors; `VendorErrorCode` in the API mirrors it variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Invalid,
    Taken,
    NotFound,
    /// The vendor's status does not allow this (pending, rejected or suspended).
    VendorNotActive,
    InvalidId,
    /// The vendor's status does not allow this staff decision.
    InvalidStatus,
    /// The change would leave the vendor without an owner.
    LastOwner,
    AlreadyMember,
    InviteExpired,
    InviteRevoked,
    InviteUsed,
    /// The invite is for another e-mail address than the signed-in user's.
    InviteEmailMismatch,
}

#[derive(Debug, thiserror::Error)]
pub enum VendorError {
    #[error("the name must be 1 to 200 characters")]
    InvalidName,
    #[error("the slug must be 1 to 100 lowercase letters, digits and dashes")]
    InvalidSlug,
    /// A field of the input is not valid.
    #[error("{}", .0.message)]
    InvalidField(InvalidField),
    #[error("this is not a valid ID of the expected type")]
    InvalidId { field: crate::error::FieldPath },
    #[error("another vendor has this slug")]
    SlugTaken,
    /// No vendor has the id given at `vendorId`.
    #[error("no such vendor")]
    NotFound,
    /// No invite, or no member, at `field`.
    #[error("not found")]
    NotFoundAt { field: &'static str },
    /// The vendor is pending, rejected or suspended, and the operation needs it active.
    #[error("the vendor is not active")]
    NotActive,
    #[error("cannot {} a vendor that is {}", .0.decision.verb(), .0.from.as_str())]
    InvalidStatus(InvalidTransition),
    #[error("the vendor must keep at least one owner")]
    LastOwner,
    #[error("the user is already a member of this vendor")]
    AlreadyMember,
    /// The invite at `field` was used, revoked or has expired.
    #[error("{}", match .refusal {
        InviteRefusal::Used => "the invite was already used",
        InviteRefusal::Revoked => "the invite was revoked",
        InviteRefusal::Expired => "the invite has expired",
    })]
    InviteClosed { refusal: InviteRefusal, field: &'static str },
    #[error("the invite is for another e-mail address")]
    InviteEmailMismatch,
    #[error("sign in to do this")]
    Unauthenticated,
    /// Not staff, and not a member of the vendor whose role allows this.
    #[error("not allowed for this vendor")]
    Forbidden,
    #[error("database error")]
    Db(#[from] sea_orm::DbErr),
}

impl From<InvalidField> for VendorError {
    fn from(e: InvalidField) -> Self {
        VendorError::InvalidField(e)
    }
}

impl From<InvalidTransition> for VendorError {
    fn from(e: InvalidTransition) -> Self {
        VendorError::InvalidStatus(e)
    }
}

impl From<InvalidIdAt> for VendorError {
    fn from(e: InvalidIdAt) -> Self {
        VendorError::InvalidId { field: e.field }
    }
}

impl ErrorCode for VendorError {
    type Code = Code;

    fn user_error(&self) -> Option<UserErrorParts<Code>> {
        use VendorError::*;
        Some(match self {
            InvalidName => UserErrorParts::new(Code::Invalid).field(["name"]),
            InvalidSlug => UserErrorParts::new(Code::Invalid).field(["slug"]),
            InvalidField(f) => UserErrorParts::new(Code::Invalid).field([f.field]),
            InvalidId { field } => UserErrorParts::new(Code::InvalidId).field(field),
            SlugTaken => UserErrorParts::new(Code::Taken).field(["slug"]),
            NotFound => UserErrorParts::new(Code::NotFound).field(["vendorId"]),
            NotFoundAt { field } => UserErrorParts::new(Code::NotFound).field([*field]),
            NotActive => UserErrorParts::new(Code::VendorNotActive).field(["vendorId"]),
            InvalidStatus(_) => UserErrorParts::new(Code::InvalidStatus).field(["id"]),
            LastOwner => UserErrorParts::new(Code::LastOwner).field(["userId"]),
            AlreadyMember => UserErrorParts::new(Code::AlreadyMember).field(["token"]),
            InviteClosed { refusal, field } => UserErrorParts::new(match refusal {
                InviteRefusal::Used => Code::InviteUsed,
                InviteRefusal::Revoked => Code::InviteRevoked,
                InviteRefusal::Expired => Code::InviteExpired,
            })
            .field([*field]),
            InviteEmailMismatch => UserErrorParts::new(Code::InviteEmailMismatch).field(["token"]),
            Unauthenticated | Forbidden | Db(_) => return None,
        })
    }

    fn request_error(&self) -> Option<RequestError> {
        match self {
            VendorError::Unauthenticated => Some(RequestError::Unauthenticated),
            VendorError::Forbidden => Some(RequestError::Forbidden),
            _ => None,
        }
    }
}
