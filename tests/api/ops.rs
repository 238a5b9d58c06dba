//! The operation documents shared with the playground and README.
//!
//! A document under `playground/operations/` spreads fragments (`...OrderFields`) but does not
//! define them: each fragment lives once in `fragments/<Name>.graphql`. An entry below lists the
//! fragments its document needs (nested ones too) and gets them appended, so the constant is the
//! complete document sent to the server. The tests at the bottom keep the lists honest.

use std::collections::BTreeSet;
use std::path::Path;

/// `NAME: "dir/Doc.graphql", "Fragment", …;` defines `pub const NAME` (the document followed by
/// `fragments/Fragment.graphql` for each fragment listed) and puts every entry in `all()`.
macro_rules! operations {
    ($($name:ident: $path:literal $(, $fragment:literal)*;)*) => {
        $(
            pub const $name: &str = concat!(
                include_str!(concat!("../../playground/operations/", $path)),
                $("\n", include_str!(concat!("../../playground/operations/fragments/", $fragment, ".graphql")),)*
            );
        )*

        /// Every operation as (its path under `playground/operations/`, the assembled document).
        pub fn all() -> Vec<(&'static str, &'static str)> {
            vec![$(($path, $name)),*]
        }
    };
}

operations! {
    ACCOUNT_REGISTER: "accounts/AccountRegister.graphql";
    TOKEN_CREATE: "accounts/TokenCreate.graphql";
    TOKEN_REFRESH: "accounts/TokenRefresh.graphql";
    TOKEN_REVOKE: "accounts/TokenRevoke.graphql";
    PASSWORD_CHANGE: "accounts/PasswordChange.graphql";
    ME: "accounts/Me.graphql";
    USER_BLOCK: "moderation/UserBlock.graphql";
    USER_UNBLOCK: "moderation/UserUnblock.graphql";
    USER: "moderation/User.graphql";
    USERS: "moderation/Users.graphql";
    AUDIT_LOG: "moderation/AuditLog.graphql";
    VENDOR_CREATE: "vendors/VendorCreate.graphql";
    VENDOR: "vendors/Vendor.graphql", "VendorFields";
    VENDORS: "vendors/Vendors.graphql", "VendorFields";
    VENDOR_APPROVE: "vendors/VendorApprove.graphql", "VendorFields";
    VENDOR_REJECT: "vendors/VendorReject.graphql", "VendorFields";
    VENDOR_SUSPEND: "vendors/VendorSuspend.graphql", "VendorFields";
    VENDOR_REINSTATE: "vendors/VendorReinstate.graphql", "VendorFields";
    VENDOR_COMMISSION_SET: "vendors/VendorCommissionSet.graphql", "VendorFields";
    VENDOR_TRUST_SET: "vendors/VendorTrustSet.graphql", "VendorFields";
    MARKETPLACE_SETTINGS: "vendors/MarketplaceSettings.graphql";
    MARKETPLACE_SETTINGS_UPDATE: "vendors/MarketplaceSettingsUpdate.graphql";
    VENDOR_APPLY: "vendor/VendorApply.graphql", "VendorFields";
    MY_VENDORS: "vendor/MyVendors.graphql", "VendorFields";
    VENDOR_PANEL: "vendor/VendorPanel.graphql", "VendorFields", "VendorInviteFields";
    VENDOR_PROFILE_UPDATE: "vendor/VendorProfileUpdate.graphql", "VendorFields";
    VENDOR_INVITE_CREATE: "vendor/VendorInviteCreate.graphql", "VendorInviteFields";
    VENDOR_INVITE_REVOKE: "vendor/VendorInviteRevoke.graphql", "VendorInviteFields";
    VENDOR_INVITE_ACCEPT: "vendor/VendorInviteAccept.graphql";
    VENDOR_MEMBER_UPDATE: "vendor/VendorMemberUpdate.graphql";
    VENDOR_MEMBER_REMOVE: "vendor/VendorMemberRemove.graphql";
    VENDOR_SHIPPING_METHODS: "vendor/VendorShippingMethods.graphql", "ShippingMethodFields";
    VENDOR_SHIPPING_ZONES: "vendor/VendorShippingZones.graphql", "ShippingZoneFields", "ShippingMethodFields";
    PRODUCTS: "catalog/Products.graphql";
    SEARCH: "search/Search.graphql";
    PRODUCT: "catalog/Product.graphql";
    VARIANT: "catalog/Variant.graphql";
    CATEGORIES: "catalog/Categories.graphql";
    NODE: "catalog/Node.graphql";
    PRODUCT_CREATE: "catalog/ProductCreate.graphql";
    PRODUCT_UPDATE: "catalog/ProductUpdate.graphql";
    PRODUCT_ARCHIVE: "catalog/ProductArchive.graphql";
    PRODUCT_VARIANT_CREATE: "catalog/ProductVariantCreate.graphql";
    PRODUCT_VARIANT_UPDATE: "catalog/ProductVariantUpdate.graphql";
    PRODUCT_VARIANT_ARCHIVE: "catalog/ProductVariantArchive.graphql";
    CATEGORY_CREATE: "catalog/CategoryCreate.graphql";
    CATEGORY_UPDATE: "catalog/CategoryUpdate.graphql";
    CATEGORY_ARCHIVE: "catalog/CategoryArchive.graphql";
    STOCK_ADJUST: "catalog/StockAdjust.graphql";
    STOCK_MOVEMENTS: "catalog/StockMovements.graphql";
    PRODUCT_APPROVE: "catalog/ProductApprove.graphql";
    PRODUCT_REJECT: "catalog/ProductReject.graphql";
    PRODUCT_REVIEW_QUEUE: "catalog/ProductReviewQueue.graphql";
    VENDOR_PRODUCTS: "vendor/VendorProducts.graphql";
    VENDOR_PRODUCT: "vendor/VendorProduct.graphql";
    VENDOR_PRODUCT_CREATE: "vendor/VendorProductCreate.graphql";
    VENDOR_PRODUCT_UPDATE: "vendor/VendorProductUpdate.graphql";
    PRODUCT_SUBMIT_FOR_REVIEW: "vendor/ProductSubmitForReview.graphql";
    DISCOUNT_CREATE: "promotions/DiscountCreate.graphql", "DiscountFields";
    DISCOUNT_UPDATE: "promotions/DiscountUpdate.graphql", "DiscountFields";
    DISCOUNT_DEACTIVATE: "promotions/DiscountDeactivate.graphql", "DiscountFields";
    DISCOUNTS: "promotions/Discounts.graphql", "DiscountFields";
    DISCOUNT: "promotions/Discount.graphql", "DiscountFields";
    SHIPPING_ZONE_CREATE: "shipping/ShippingZoneCreate.graphql", "ShippingZoneFields", "ShippingMethodFields";
    SHIPPING_ZONE_UPDATE: "shipping/ShippingZoneUpdate.graphql", "ShippingZoneFields", "ShippingMethodFields";
    SHIPPING_ZONE_DELETE: "shipping/ShippingZoneDelete.graphql";
    SHIPPING_METHOD_CREATE: "shipping/ShippingMethodCreate.graphql", "ShippingMethodFields";
    SHIPPING_METHOD_UPDATE: "shipping/ShippingMethodUpdate.graphql", "ShippingMethodFields";
    SHIPPING_METHOD_DELETE: "shipping/ShippingMethodDelete.graphql";
    SHIPPING_ZONES: "shipping/ShippingZones.graphql", "ShippingZoneFields", "ShippingMethodFields";
    TAX_RATE_CREATE: "tax/TaxRateCreate.graphql", "TaxRateFields";
    TAX_RATE_UPDATE: "tax/TaxRateUpdate.graphql", "TaxRateFields";
    TAX_RATE_DELETE: "tax/TaxRateDelete.graphql";
    TAX_RATES: "tax/TaxRates.graphql", "TaxRateFields";
    SHOP: "tax/Shop.graphql";

    CART: "cart/Cart.graphql", "CartFields";
    CART_CREATE: "cart/CartCreate.graphql", "CartFields";
    CART_LINES_ADD: "cart/CartLinesAdd.graphql", "CartFields";
    CART_LINES_UPDATE: "cart/CartLinesUpdate.graphql", "CartFields";
    CART_LINES_REMOVE: "cart/CartLinesRemove.graphql", "CartFields";
    CART_BUYER_IDENTITY_UPDATE: "cart/CartBuyerIdentityUpdate.graphql", "CartFields";
    CART_DISCOUNT_CODES_UPDATE: "cart/CartDiscountCodesUpdate.graphql", "CartFields";
    CART_SHIPPING_ADDRESS_UPDATE: "cart/CartShippingAddressUpdate.graphql", "CartFields";
    CART_BILLING_ADDRESS_UPDATE: "cart/CartBillingAddressUpdate.graphql", "CartFields";
    CART_SHIPPING_METHODS_UPDATE: "cart/CartShippingMethodsUpdate.graphql", "CartFields";
    CART_MERGE: "cart/CartMerge.graphql", "CartFields";
    CHECKOUT_COMPLETE: "checkout/CheckoutComplete.graphql", "OrderFields";
    ORDER: "orders/Order.graphql", "OrderFields";
    ORDERS: "orders/Orders.graphql", "OrderFields";
    ORDER_CANCEL: "orders/OrderCancel.graphql", "OrderFields";
    ORDER_FULFIL: "orders/OrderFulfil.graphql", "OrderFields";
    ORDER_FULFILLMENTS: "orders/OrderFulfillments.graphql", "FulfillmentFields";
    VENDOR_ORDERS: "vendor/VendorOrders.graphql", "VendorPanelOrderFields", "FulfillmentFields";
    ORDER_STATUS_CHANGED: "realtime/OrderStatusChanged.graphql";
    VENDOR_ORDER_EVENTS: "realtime/VendorOrderEvents.graphql";
    STOCK_LEVEL_CHANGED: "realtime/StockLevelChanged.graphql";
    LOW_STOCK_ALERTS: "realtime/LowStockAlerts.graphql";
    VENDOR_ORDER_NODE: "vendor/VendorOrderNode.graphql", "VendorPanelOrderFields", "FulfillmentFields";
    FULFILLMENT_CREATE: "vendor/FulfillmentCreate.graphql", "FulfillmentFields", "VendorPanelOrderFields";
    FULFILLMENT_UPDATE: "vendor/FulfillmentUpdate.graphql", "FulfillmentFields";
    VENDOR_ORDER_LINES_CANCEL: "vendor/VendorOrderLinesCancel.graphql", "VendorPanelOrderFields", "FulfillmentFields";
    ORDER_PAYMENT_CREATE: "payments/OrderPaymentCreate.graphql", "OrderFields";
    ORDER_PAYMENT_CONFIRM: "payments/OrderPaymentConfirm.graphql", "OrderFields";
    ORDER_DISPUTES: "payments/OrderDisputes.graphql";
    ORDER_REFUND: "payments/OrderRefund.graphql", "OrderRefundFields";
    ORDER_PAYMENTS: "payments/OrderPayments.graphql", "OrderRefundFields";
}

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/playground/operations");

/// The names in `...Name` spreads (inline fragments, `... on Type`, are not spreads of a name).
fn spreads(doc: &str) -> BTreeSet<&str> {
    doc.split("...")
        .skip(1)
        .filter_map(|rest| rest.trim_start().split(|c: char| !c.is_alphanumeric() && c != '_').next())
        .filter(|name| !name.is_empty() && *name != "on")
        .collect()
}

/// The names in `fragment Name on Type` definitions, in order, repeats kept.
fn definitions(doc: &str) -> Vec<&str> {
    doc.lines()
        .filter_map(|line| line.strip_prefix("fragment "))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect()
}

/// Every `.graphql` file below `dir`, as a path relative to `ROOT` with `/` separators.
fn graphql_files(dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).expect("read playground/operations") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            graphql_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "graphql") {
            let relative = path.strip_prefix(ROOT).expect("below ROOT");
            found.insert(relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
        }
    }
}

#[test]
fn every_operation_lists_exactly_the_fragments_it_spreads() {
    for (path, doc) in all() {
        // given
        let defined = definitions(doc);
        let unique: BTreeSet<&str> = defined.iter().copied().collect();

        // then
        assert_eq!(defined.len(), unique.len(), "{path} appends a fragment twice: {defined:?}");
        assert_eq!(spreads(doc), unique, "{path}: the fragments spread differ from the fragments listed in ops.rs");
    }
}

#[test]
fn every_document_under_playground_operations_is_in_all_and_defines_no_fragment() {
    // given
    let mut files = BTreeSet::new();
    graphql_files(Path::new(ROOT), &mut files);
    let documents: BTreeSet<String> = files.into_iter().filter(|f| !f.starts_with("fragments/")).collect();

    // when
    let registered: BTreeSet<String> = all().into_iter().map(|(path, _)| path.to_owned()).collect();

    // then
    assert_eq!(registered.len(), all().len(), "an operation is listed twice in ops.rs");
    let unlisted: Vec<_> = documents.difference(&registered).collect();
    let missing: Vec<_> = registered.difference(&documents).collect();
    assert!(unlisted.is_empty(), "not listed in ops.rs: {unlisted:?}");
    assert!(missing.is_empty(), "listed in ops.rs but not a file: {missing:?}");
    for file in documents {
        let doc = std::fs::read_to_string(Path::new(ROOT).join(&file)).expect("read document");
        assert_eq!(definitions(&doc), Vec::<&str>::new(), "{file}: move its fragments to fragments/<Name>.graphql");
    }
}

#[test]
fn each_fragment_file_defines_only_the_fragment_it_is_named_after() {
    // given
    let mut files = BTreeSet::new();
    graphql_files(&Path::new(ROOT).join("fragments"), &mut files);
    assert!(!files.is_empty());

    for file in files {
        // when
        let doc = std::fs::read_to_string(Path::new(ROOT).join(&file)).expect("read fragment");
        let name = file.trim_start_matches("fragments/").trim_end_matches(".graphql");

        // then
        assert_eq!(definitions(&doc), vec![name], "{file} must define `fragment {name}` and nothing else");
        assert!(!doc.contains("query ") && !doc.contains("mutation "), "{file} holds an operation");
    }
}
