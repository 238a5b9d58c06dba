//! Members and invites: owners invite by e-mail with a single-use secret token, the invitee
//! accepts it signed in with that address; owners change roles and remove members, members
//! leave; a vendor that has an owner always keeps one (`LastOwner`). Changes to a vendor's
//! members lock its row first (`FOR UPDATE` on PostgreSQL; SQLite has one writer), so two
//! concurrent demotions cannot both pass the owner count.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::{
    audit::{self, model::NewAuditEntry},
    context::RequestContext,
    shared::ids::{UserId, VendorId, VendorInviteId},
    vendors::{
        VendorService,
        error::VendorError,
        model::{self, Invite, InviteRefusal, Member, MemberRole, Membership, Vendor, VendorPermission},
        repo,
    },
};

/// The secret of a new invite: shown once to the owner who made it, never stored.
#[derive(Clone)]
pub struct InviteToken(pub String);

impl std::fmt::Debug for InviteToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InviteToken(…)")
    }
}

fn new_token() -> (InviteToken, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (InviteToken(token), hash)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

fn member_summary(user: UserId, role: Option<MemberRole>) -> serde_json::Value {
    json!({ "userId": user.0.to_string(), "role": role.map(|r| r.as_str()) })
}

impl VendorService {
    /// A vendor's members (owners and staff).
    ///
    /// # Errors
    /// Those of [`VendorService::authorize_in`] with `Manage`.
    pub async fn members(&self, rcx: &RequestContext, vendor: VendorId) -> Result<Vec<Member>, VendorError> {
        self.authorize(rcx, vendor, VendorPermission::Manage).await?;
        Ok(repo::members(&self.db, vendor).await?)
    }

    /// The vendors `user` is a member of, with their role (the user themself or staff).
    ///
    /// # Errors
    /// `Unauthenticated`, `Forbidden` for anyone else.
    pub async fn memberships(
        &self,
        rcx: &RequestContext,
        user: UserId,
    ) -> Result<Vec<(Membership, Vendor)>, VendorError> {
        let viewer = rcx.viewer.ok_or(VendorError::Unauthenticated)?;
        if viewer.user_id != user && !rcx.is_staff() {
            return Err(VendorError::Forbidden);
        }
        let ms = repo::memberships(&self.db, user).await?;
        let ids: Vec<VendorId> = ms.iter().map(|m| m.vendor_id).collect();
        let mut vendors = repo::by_ids(&self.db, &ids).await?;
        Ok(ms.into_iter().filter_map(|m| vendors.remove(&m.vendor_id).map(|v| (m, v))).collect())
    }

    /// A vendor's invites that can still be accepted (owners and staff); never their tokens.
    ///
    /// # Errors
    /// Those of [`VendorService::authorize_in`] with `Manage`.
    pub async fn invites(&self, rcx: &RequestContext, vendor: VendorId) -> Result<Vec<Invite>, VendorError> {
        self.authorize(rcx, vendor, VendorPermission::Manage).await?;
        Ok(repo::pending_invites(&self.db, vendor, self.now()).await?)
    }

    /// Invites whoever signs in with `email` to join `vendor` as `role`, for
    /// `marketplace.invite_ttl_hours`. Returns the invite and its secret token (shown once).
    ///
    /// # Errors
    /// `InvalidField` (email); those of [`VendorService::authorize_in`] with `Manage`.
    #[tracing::instrument(name = "vendors.create_invite", skip(self, rcx, email))]
    pub async fn create_invite(
        &self,
        rcx: &RequestContext,
        vendor: VendorId,
        email: &str,
        role: MemberRole,
    ) -> Result<(Invite, InviteToken), VendorError> {
        let email = model::email("email", email)?;
        let now = self.now();
        let (token, hash) = new_token();
        let txn = self.db.begin().await?;
        self.authorize_in(&txn, rcx, vendor, VendorPermission::Manage).await?;
        let invite = Invite {
            id: VendorInviteId::new(),
            vendor_id: vendor,
            email,
            role,
            invited_by: rcx.viewer.map(|v| v.user_id),
            expires_at: now + self.invite_ttl,
            accepted_at: None,
            accepted_by: None,
            revoked_at: None,
            created_at: now,
        };
        repo::insert_invite(&txn, &invite, &hash).await?;
        let after = json!({ "email": invite.email, "role": role.as_str(), "expiresAt": invite.expires_at });
        let entry =
            NewAuditEntry::new("vendor.invite.create", "VendorInvite", invite.id, json!(null), after).vendor(vendor);
        audit::record_in(&txn, rcx, entry, now).await?;
        txn.commit().await?;
        Ok((invite, token))
    }

    /// Revokes an invite that was not used yet (owners of its vendor and staff).
    ///
    /// # Errors
    /// `NotFoundAt` (id), `InviteClosed` (id: used or already revoked); those of
    /// [`VendorService::authorize_in`] with `Manage`.
    #[tracing::instrument(name = "vendors.revoke_invite", skip(self, rcx))]
    pub async fn revoke_invite(&self, rcx: &RequestContext, id: VendorInviteId) -> Result<Invite, VendorError> {
        rcx.viewer.ok_or(VendorError::Unauthenticated)?;
        let now = self.now();
        let txn = self.db.begin().await?;
        let invite = repo::invite_by_id(&txn, id).await?.ok_or(VendorError::NotFoundAt { field: "id" })?;
        self.authorize_in(&txn, rcx, invite.vendor_id, VendorPermission::Manage).await?;
        if !repo::revoke_invite(&txn, invite.vendor_id, id, now).await? {
            let refusal = if invite.accepted_at.is_some() { InviteRefusal::Used } else { InviteRefusal::Revoked };
            return Err(VendorError::InviteClosed { refusal, field: "id" });
        }
        let entry = NewAuditEntry::new(
            "vendor.invite.revoke",
            "VendorInvite",
            id,
            json!({ "revokedAt": null }),
            json!({ "revokedAt": now }),
        )
        .vendor(invite.vendor_id);
        audit::record_in(&txn, rcx, entry, now).await?;
        txn.commit().await?;
        Ok(Invite { revoked_at: Some(now), ..invite })
    }

    /// Accepts an invite: the signed-in user whose e-mail address is the invite's becomes a
    /// member with its role. Single use: a guarded update of the invite, then the membership,
    /// in one transaction.
    ///
    /// # Errors
    /// `NotFoundAt` (token), `InviteEmailMismatch`, `InviteClosed` (used, revoked, expired),
    /// `AlreadyMember`; `Unauthenticated`.
    #[tracing::instrument(name = "vendors.accept_invite", skip(self, rcx, token))]
    pub async fn accept_invite(&self, rcx: &RequestContext, token: &str) -> Result<(Membership, Vendor), VendorError> {
        let viewer = rcx.viewer.ok_or(VendorError::Unauthenticated)?;
        let hash = token_hash(token);
        let now = self.now();
        let txn = self.db.begin().await?;
        let invite =
            repo::invite_by_token_hash(&txn, &hash).await?.ok_or(VendorError::NotFoundAt { field: "token" })?;
        let email = repo::user_email(&txn, viewer.user_id).await?.ok_or(VendorError::Unauthenticated)?;
        if !email.eq_ignore_ascii_case(&invite.email) {
            return Err(VendorError::InviteEmailMismatch);
        }
        let closed = |refusal| VendorError::InviteClosed { refusal, field: "token" };
        invite.open_at(now).map_err(closed)?;
        if repo::member_role(&txn, invite.vendor_id, viewer.user_id).await?.is_some() {
            return Err(VendorError::AlreadyMember);
        }
        if !repo::claim_invite(&txn, invite.id, viewer.user_id, now).await? {
            // Used or revoked meanwhile (the read above saw it open).
            let current = repo::invite_by_id(&txn, invite.id).await?.unwrap_or(invite);
            return Err(closed(current.open_at(now).err().unwrap_or(InviteRefusal::Used)));
        }
        self.add_member_in(&txn, invite.vendor_id, viewer.user_id, invite.role, now).await?;
        let vendor =
            repo::by_ids(&txn, &[invite.vendor_id]).await?.remove(&invite.vendor_id).ok_or(VendorError::NotFound)?;
        let entry = NewAuditEntry::new(
            "vendor.invite.accept",
            "VendorInvite",
            invite.id,
            member_summary(viewer.user_id, None),
            member_summary(viewer.user_id, Some(invite.role)),
        )
        .vendor(invite.vendor_id);
        audit::record_in(&txn, rcx, entry, now).await?;
        txn.commit().await?;
        Ok((Membership { vendor_id: invite.vendor_id, role: invite.role, since: now }, vendor))
    }

    /// Changes a member's role (owners and staff). The last owner cannot be demoted.
    ///
    /// # Errors
    /// `NotFoundAt` (userId), `LastOwner`; those of [`VendorService::authorize_in`] with `Manage`.
    #[tracing::instrument(name = "vendors.update_member", skip(self, rcx))]
    pub async fn update_member(
        &self,
        rcx: &RequestContext,
        vendor: VendorId,
        user: UserId,
        role: MemberRole,
    ) -> Result<Member, VendorError> {
        let now = self.now();
        let txn = self.db.begin().await?;
        self.authorize_in(&txn, rcx, vendor, VendorPermission::Manage).await?;
        let current = Self::locked_member(&txn, vendor, user).await?;
        if current.role == MemberRole::Owner && role != MemberRole::Owner {
            Self::keep_an_owner(&txn, vendor).await?;
        }
        repo::update_member_role(&txn, vendor, user, role, now).await?;
        let entry = NewAuditEntry::new(
            "vendor.member.update",
            "VendorMember",
            user.0,
            member_summary(user, Some(current.role)),
            member_summary(user, Some(role)),
        )
        .vendor(vendor);
        audit::record_in(&txn, rcx, entry, now).await?;
        txn.commit().await?;
        Ok(Member { role, ..current })
    }

    /// Removes a member (owners and staff), or lets a member leave (any role). The last owner
    /// can neither be removed nor leave.
    ///
    /// # Errors
    /// `NotFoundAt` (userId), `LastOwner`; those of [`VendorService::authorize_in`] (`Manage`
    /// to remove someone else, `View` to leave).
    #[tracing::instrument(name = "vendors.remove_member", skip(self, rcx))]
    pub async fn remove_member(
        &self,
        rcx: &RequestContext,
        vendor: VendorId,
        user: UserId,
    ) -> Result<Member, VendorError> {
        let leaving = rcx.viewer.is_some_and(|v| v.user_id == user);
        let permission = if leaving { VendorPermission::View } else { VendorPermission::Manage };
        let now = self.now();
        let txn = self.db.begin().await?;
        self.authorize_in(&txn, rcx, vendor, permission).await?;
        let current = Self::locked_member(&txn, vendor, user).await?;
        if current.role == MemberRole::Owner {
            Self::keep_an_owner(&txn, vendor).await?;
        }
        repo::delete_member(&txn, vendor, user).await?;
        let action = if leaving { "vendor.member.leave" } else { "vendor.member.remove" };
        let entry = NewAuditEntry::new(
            action,
            "VendorMember",
            user.0,
            member_summary(user, Some(current.role)),
            member_summary(user, None),
        )
        .vendor(vendor);
        audit::record_in(&txn, rcx, entry, now).await?;
        txn.commit().await?;
        Ok(current)
    }

    /// Locks the vendor's row, then reads `user`'s membership.
    async fn locked_member(conn: &impl ConnectionTrait, vendor: VendorId, user: UserId) -> Result<Member, VendorError> {
        repo::lock(conn, vendor).await?.ok_or(VendorError::NotFound)?;
        repo::members(conn, vendor)
            .await?
            .into_iter()
            .find(|m| m.user_id == user)
            .ok_or(VendorError::NotFoundAt { field: "userId" })
    }

    /// Refuses a change that takes away an owner when it is the vendor's only one.
    async fn keep_an_owner(conn: &impl ConnectionTrait, vendor: VendorId) -> Result<(), VendorError> {
        if repo::count_owners(conn, vendor).await? <= 1 {
            return Err(VendorError::LastOwner);
        }
        Ok(())
    }
}
