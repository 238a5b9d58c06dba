//! Vendor mutations: inputs, payloads and thin resolvers. Vendor-facing inputs name the vendor
//! (`vendorId`) and never carry privileged fields (status, commission, trust): those have
//! their own staff mutations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use rust_decimal::Decimal;

use crate::{
    graphql::{
        ContextExt,
        errors::FromUserErrorParts,
        guards::RoleGuard,
        ids,
        payload::{payload, payload_type},
    },
    shared::{
        ids::{UserId, VendorId, VendorInviteId},
        role::Role,
    },
    vendors::{
        VendorError,
        graphql::{
            MarketplaceSettings, Vendor, VendorInvite, VendorMember, VendorMemberRole, VendorMembership,
            VendorUserError,
        },
        model::{self, Decision},
        service::{ApplicationFields, InviteToken, ProfileFields},
    },
};

fn vendor_id(id: &ID) -> Result<VendorId, VendorError> {
    Ok(ids::decode_at::<VendorId>(id, vec!["vendorId".into()])?)
}

fn user_id(id: &ID) -> Result<UserId, VendorError> {
    Ok(ids::decode_at::<UserId>(id, vec!["userId".into()])?)
}

fn maybe(v: MaybeUndefined<String>) -> Option<Option<String>> {
    match v {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(s) => Some(Some(s)),
    }
}

/// Input of `vendorCreate`.
#[derive(InputObject)]
pub struct VendorCreateInput {
    /// Display name, 1 to 200 characters.
    pub name: String,
    /// URL handle; derived from the name when omitted.
    pub slug: Option<String>,
}

/// Result of `vendorCreate`.
#[derive(SimpleObject)]
pub struct VendorCreatePayload {
    /// The new vendor; null when `userErrors` is not empty.
    pub vendor: Option<Vendor>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<VendorUserError>,
}

payload_type!(VendorCreatePayload { vendor: model::Vendor }, VendorUserError);

/// Result of a mutation on one vendor.
#[derive(SimpleObject)]
pub struct VendorPayload {
    /// The vendor as changed; null when `userErrors` is not empty.
    pub vendor: Option<Vendor>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<VendorUserError>,
}

payload_type!(VendorPayload { vendor: model::Vendor }, VendorUserError);

/// Input of `vendorApply`.
#[derive(InputObject)]
pub struct VendorApplyInput {
    /// Display name, 1 to 200 characters.
    pub name: String,
    /// URL handle; derived from the name when omitted.
    pub slug: Option<String>,
    /// Where the platform reaches the vendor.
    pub contact_email: String,
    /// ISO 3166-1 alpha-2 code of the country the vendor is established in.
    pub country: String,
    /// What the vendor sells, up to 5000 characters.
    #[graphql(default)]
    pub description: String,
}

/// Input of `vendorProfileUpdate`: omitted fields stay as they are; `null` clears `logoUrl`
/// and `supportEmail`.
#[derive(InputObject)]
pub struct VendorProfileUpdateInput {
    /// The vendor to change.
    pub vendor_id: ID,
    /// New display name, 1 to 200 characters.
    pub name: Option<String>,
    /// New description, up to 5000 characters.
    pub description: Option<String>,
    /// An http or https URL of the logo.
    pub logo_url: MaybeUndefined<String>,
    /// New return policy, up to 5000 characters.
    pub return_policy: Option<String>,
    /// Where buyers reach the vendor.
    pub support_email: MaybeUndefined<String>,
}

/// Input of `vendorCommissionSet`.
#[derive(InputObject)]
pub struct VendorCommissionSetInput {
    /// The vendor.
    pub vendor_id: ID,
    /// Commission in per cent, 0 to 100 with at most two decimals; null (or omitted) for the
    /// marketplace default.
    pub rate: Option<Decimal>,
}

/// Input of `vendorTrustSet`.
#[derive(InputObject)]
pub struct VendorTrustSetInput {
    /// The vendor.
    pub vendor_id: ID,
    /// Whether the vendor's products go on sale without review.
    pub trusted: bool,
}

/// Input of `marketplaceSettingsUpdate`; omitted fields stay as they are.
#[derive(InputObject)]
pub struct MarketplaceSettingsUpdateInput {
    /// Commission on vendors without their own rate, in per cent (0 to 100, two decimals).
    pub default_commission_rate: Option<Decimal>,
    /// Whether an edit to an approved product sends it back to review.
    pub review_approved_edits: Option<bool>,
}

/// Result of `marketplaceSettingsUpdate`.
#[derive(SimpleObject)]
pub struct MarketplaceSettingsPayload {
    /// The settings as changed; null when `userErrors` is not empty.
    pub settings: Option<MarketplaceSettings>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<VendorUserError>,
}

payload_type!(MarketplaceSettingsPayload { settings: model::MarketplaceSettings }, VendorUserError);

/// Input of `vendorInviteCreate`.
#[derive(InputObject)]
pub struct VendorInviteCreateInput {
    /// The vendor to join.
    pub vendor_id: ID,
    /// Who may accept: the invitee signs in with this address.
    pub email: String,
    /// The role they get.
    pub role: VendorMemberRole,
}

/// Result of `vendorInviteCreate`.
#[derive(SimpleObject)]
pub struct VendorInviteCreatePayload {
    /// The invite; null when `userErrors` is not empty.
    pub invite: Option<VendorInvite>,
    /// The secret the invitee passes to `vendorInviteAccept`. Shown only here, once: the
    /// platform keeps only its hash. Send it to the invitee privately.
    pub token: Option<String>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<VendorUserError>,
}

impl From<InviteToken> for String {
    fn from(t: InviteToken) -> Self {
        t.0
    }
}

payload_type!(VendorInviteCreatePayload { invite: model::Invite, token: InviteToken }, VendorUserError);

/// Result of `vendorInviteRevoke`.
#[derive(SimpleObject)]
pub struct VendorInvitePayload {
    /// The invite as revoked; null when `userErrors` is not empty.
    pub invite: Option<VendorInvite>,
    /// What was wrong; empty on success.
    pub user_errors: Vec<VendorUserError>,
}

payload_type!(VendorInvitePayload { invite: model::Invite }, VendorUserError);

/// Result of `vendorInviteAccept`.
#[derive(SimpleObject)]
pub struct VendorInviteAcceptPayload {
    /// The new membership; null when `userErrors` is not empty.
    pub membership: Option<VendorMembership>,
    /// Why the invite could not be accepted; empty on success.
    pub user_errors: Vec<VendorUserError>,
}

payload_type!(VendorInviteAcceptPayload { membership: (model::Membership, model::Vendor) }, VendorUserError);

/// Input of `vendorMemberUpdate`.
#[derive(InputObject)]
pub struct VendorMemberUpdateInput {
    /// The vendor.
    pub vendor_id: ID,
    /// The member's user ID.
    pub user_id: ID,
    /// Their new role.
    pub role: VendorMemberRole,
}

/// Input of `vendorMemberRemove`.
#[derive(InputObject)]
pub struct VendorMemberRemoveInput {
    /// The vendor.
    pub vendor_id: ID,
    /// The member's user ID (your own to leave the vendor).
    pub user_id: ID,
}

/// Result of `vendorMemberUpdate` and `vendorMemberRemove`.
#[derive(SimpleObject)]
pub struct VendorMemberPayload {
    /// The member as changed (as it was, for a removal); null when `userErrors` is not empty.
    pub member: Option<VendorMember>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<VendorUserError>,
}

payload_type!(VendorMemberPayload { member: model::Member }, VendorUserError);

#[derive(Default)]
pub struct VendorMutation;

async fn decide<P>(ctx: &Context<'_>, id: &ID, d: Decision, reason: Option<&str>) -> async_graphql::Result<P>
where
    P: crate::graphql::payload::Payload<Item = model::Vendor, UserError = VendorUserError>,
    VendorUserError: FromUserErrorParts<crate::vendors::error::Code>,
{
    let id = ids::arg::<VendorId>(id)?;
    payload(ctx.state().vendors.decide(ctx.rcx(), id, d, reason).await)
}

#[Object]
impl VendorMutation {
    /// Creates an active vendor (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn vendor_create(
        &self,
        ctx: &Context<'_>,
        input: VendorCreateInput,
    ) -> async_graphql::Result<VendorCreatePayload> {
        payload(ctx.state().vendors.create(ctx.rcx(), &input.name, input.slug.as_deref()).await)
    }

    /// Applies to sell on the marketplace (any signed-in user): creates a `PENDING` vendor
    /// and makes the applicant its `OWNER`, so they can follow the application (`me {
    /// memberships }`) and complete the profile. It sells once staff approve it.
    async fn vendor_apply(&self, ctx: &Context<'_>, input: VendorApplyInput) -> async_graphql::Result<VendorPayload> {
        let f = ApplicationFields {
            name: input.name,
            slug: input.slug,
            contact_email: input.contact_email,
            country: input.country,
            description: input.description,
        };
        payload(ctx.state().vendors.apply(ctx.rcx(), f).await)
    }

    /// Approves a `PENDING` application: the vendor becomes `ACTIVE` (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn vendor_approve(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the vendor.")] id: ID,
    ) -> async_graphql::Result<VendorPayload> {
        decide(ctx, &id, Decision::Approve, None).await
    }

    /// Rejects a `PENDING` application, with a reason the applicant sees (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn vendor_reject(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the vendor.")] id: ID,
        #[graphql(desc = "Why, 1 to 1000 characters.")] reason: String,
    ) -> async_graphql::Result<VendorPayload> {
        decide(ctx, &id, Decision::Reject, Some(&reason)).await
    }

    /// Suspends an `ACTIVE` vendor: it stops selling; open vendor orders are still fulfilled
    /// (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn vendor_suspend(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the vendor.")] id: ID,
        #[graphql(desc = "Why, 1 to 1000 characters.")] reason: String,
    ) -> async_graphql::Result<VendorPayload> {
        decide(ctx, &id, Decision::Suspend, Some(&reason)).await
    }

    /// Reinstates a `SUSPENDED` vendor: `ACTIVE` again (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn vendor_reinstate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the vendor.")] id: ID,
    ) -> async_graphql::Result<VendorPayload> {
        decide(ctx, &id, Decision::Reinstate, None).await
    }

    /// Changes the vendor's name and public profile (its owners and staff).
    async fn vendor_profile_update(
        &self,
        ctx: &Context<'_>,
        input: VendorProfileUpdateInput,
    ) -> async_graphql::Result<VendorPayload> {
        payload(
            async {
                let id = vendor_id(&input.vendor_id)?;
                let f = ProfileFields {
                    name: input.name,
                    description: input.description,
                    logo_url: maybe(input.logo_url),
                    return_policy: input.return_policy,
                    support_email: maybe(input.support_email),
                };
                ctx.state().vendors.update_profile(ctx.rcx(), id, f).await
            }
            .await,
        )
    }

    /// Sets a vendor's commission rate, or returns it to the marketplace default (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn vendor_commission_set(
        &self,
        ctx: &Context<'_>,
        input: VendorCommissionSetInput,
    ) -> async_graphql::Result<VendorPayload> {
        payload(
            async { ctx.state().vendors.set_commission(ctx.rcx(), vendor_id(&input.vendor_id)?, input.rate).await }
                .await,
        )
    }

    /// Marks a vendor trusted (its products skip review) or not (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn vendor_trust_set(
        &self,
        ctx: &Context<'_>,
        input: VendorTrustSetInput,
    ) -> async_graphql::Result<VendorPayload> {
        payload(
            async { ctx.state().vendors.set_trusted(ctx.rcx(), vendor_id(&input.vendor_id)?, input.trusted).await }
                .await,
        )
    }

    /// Changes the marketplace settings (staff only).
    #[graphql(guard = "RoleGuard(Role::Staff)")]
    async fn marketplace_settings_update(
        &self,
        ctx: &Context<'_>,
        input: MarketplaceSettingsUpdateInput,
    ) -> async_graphql::Result<MarketplaceSettingsPayload> {
        payload(
            ctx.state()
                .vendors
                .update_settings(ctx.rcx(), input.default_commission_rate, input.review_approved_edits)
                .await,
        )
    }

    /// Invites someone to join the vendor with a role (its owners and staff). The payload's
    /// `token` is the secret to hand to the invitee; it is shown only here.
    async fn vendor_invite_create(
        &self,
        ctx: &Context<'_>,
        input: VendorInviteCreateInput,
    ) -> async_graphql::Result<VendorInviteCreatePayload> {
        payload(
            async {
                let id = vendor_id(&input.vendor_id)?;
                ctx.state().vendors.create_invite(ctx.rcx(), id, &input.email, input.role.into()).await
            }
            .await,
        )
    }

    /// Revokes an invite that was not used yet (owners of its vendor and staff).
    async fn vendor_invite_revoke(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID of the invite.")] id: ID,
    ) -> async_graphql::Result<VendorInvitePayload> {
        let id = ids::arg::<VendorInviteId>(&id)?;
        payload(ctx.state().vendors.revoke_invite(ctx.rcx(), id).await)
    }

    /// Accepts an invite (signed in with the e-mail address it was sent to): the user becomes
    /// a member of the vendor with the invite's role. An invite is used once.
    async fn vendor_invite_accept(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The secret from `vendorInviteCreate`.")] token: String,
    ) -> async_graphql::Result<VendorInviteAcceptPayload> {
        payload(ctx.state().vendors.accept_invite(ctx.rcx(), &token).await)
    }

    /// Changes a member's role (the vendor's owners and staff). The last owner cannot be
    /// demoted (`LAST_OWNER`).
    async fn vendor_member_update(
        &self,
        ctx: &Context<'_>,
        input: VendorMemberUpdateInput,
    ) -> async_graphql::Result<VendorMemberPayload> {
        payload(
            async {
                let (vendor, user) = (vendor_id(&input.vendor_id)?, user_id(&input.user_id)?);
                ctx.state().vendors.update_member(ctx.rcx(), vendor, user, input.role.into()).await
            }
            .await,
        )
    }

    /// Removes a member (the vendor's owners and staff), or leaves a vendor (any member, with
    /// their own `userId`). The last owner can neither be removed nor leave (`LAST_OWNER`).
    async fn vendor_member_remove(
        &self,
        ctx: &Context<'_>,
        input: VendorMemberRemoveInput,
    ) -> async_graphql::Result<VendorMemberPayload> {
        payload(
            async {
                let (vendor, user) = (vendor_id(&input.vendor_id)?, user_id(&input.user_id)?);
                ctx.state().vendors.remove_member(ctx.rcx(), vendor, user).await
            }
            .await,
        )
    }
}
