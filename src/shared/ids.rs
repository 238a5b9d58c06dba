//! Typed UUIDv7 identifiers: a `ProductId` can never be passed where a `VariantId` is expected.
//! Each knows the GraphQL type name used in its global (Relay) ID.

use std::fmt;

use uuid::Uuid;

/// Implemented by every typed ID.
pub trait TypedId: Copy + Eq + std::hash::Hash + Send + Sync + 'static {
    /// The GraphQL type name that tags this ID in global IDs.
    const TYPE_NAME: &'static str;
    fn from_uuid(id: Uuid) -> Self;
    fn uuid(&self) -> Uuid;
}

macro_rules! typed_id {
    ($($name:ident => $type_name:literal),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered (v7) ID.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl TypedId for $name {
            const TYPE_NAME: &'static str = $type_name;
            fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            fn uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

typed_id! {
    UserId => "User",
    VendorId => "Vendor",
    CategoryId => "Category",
    ProductId => "Product",
    VariantId => "ProductVariant",
    ProductImageId => "ProductImage",
    StockMovementId => "StockMovement",
    CartId => "Cart",
    CartLineId => "CartLine",
    OrderId => "Order",
    VendorOrderId => "VendorOrder",
    OrderLineId => "OrderLine",
    PaymentId => "Payment",
    RefundId => "OrderRefund",
    DiscountId => "Discount",
    ShippingZoneId => "ShippingZone",
    ShippingMethodId => "ShippingMethod",
    TaxRateId => "TaxRate",
    VendorInviteId => "VendorInvite",
    FulfillmentId => "Fulfillment",
    AuditEntryId => "AuditLogEntry",
}

impl CartId {
    /// A random (v4) id: a guest's cart id is their credential, so it must not be guessable
    /// from its creation time the way a v7 id partly is.
    pub fn random() -> Self {
        Self(Uuid::new_v4())
    }
}
