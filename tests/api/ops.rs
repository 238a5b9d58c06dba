//! The operation documents shared with the playground and README.

macro_rules! op {
    ($name:ident, $path:literal) => {
        pub const $name: &str = include_str!(concat!("../../playground/operations/", $path));
    };
}

op!(ACCOUNT_REGISTER, "accounts/AccountRegister.graphql");
op!(TOKEN_CREATE, "accounts/TokenCreate.graphql");
op!(TOKEN_REFRESH, "accounts/TokenRefresh.graphql");
op!(TOKEN_REVOKE, "accounts/TokenRevoke.graphql");
op!(PASSWORD_CHANGE, "accounts/PasswordChange.graphql");
op!(ME, "accounts/Me.graphql");
op!(VENDOR_CREATE, "vendors/VendorCreate.graphql");
op!(PRODUCTS, "catalog/Products.graphql");
op!(PRODUCT, "catalog/Product.graphql");
op!(VARIANT, "catalog/Variant.graphql");
op!(CATEGORIES, "catalog/Categories.graphql");
op!(NODE, "catalog/Node.graphql");
op!(PRODUCT_CREATE, "catalog/ProductCreate.graphql");
op!(PRODUCT_UPDATE, "catalog/ProductUpdate.graphql");
op!(PRODUCT_ARCHIVE, "catalog/ProductArchive.graphql");
op!(PRODUCT_VARIANT_CREATE, "catalog/ProductVariantCreate.graphql");
op!(PRODUCT_VARIANT_UPDATE, "catalog/ProductVariantUpdate.graphql");
op!(PRODUCT_VARIANT_ARCHIVE, "catalog/ProductVariantArchive.graphql");
op!(CATEGORY_CREATE, "catalog/CategoryCreate.graphql");
op!(CATEGORY_UPDATE, "catalog/CategoryUpdate.graphql");
op!(CATEGORY_ARCHIVE, "catalog/CategoryArchive.graphql");
op!(STOCK_ADJUST, "catalog/StockAdjust.graphql");
op!(STOCK_MOVEMENTS, "catalog/StockMovements.graphql");
op!(DISCOUNT_CREATE, "promotions/DiscountCreate.graphql");
op!(DISCOUNT_UPDATE, "promotions/DiscountUpdate.graphql");
op!(DISCOUNT_DEACTIVATE, "promotions/DiscountDeactivate.graphql");
op!(DISCOUNTS, "promotions/Discounts.graphql");
op!(DISCOUNT, "promotions/Discount.graphql");
op!(SHIPPING_ZONE_CREATE, "shipping/ShippingZoneCreate.graphql");
op!(SHIPPING_ZONE_UPDATE, "shipping/ShippingZoneUpdate.graphql");
op!(SHIPPING_ZONE_DELETE, "shipping/ShippingZoneDelete.graphql");
op!(SHIPPING_METHOD_CREATE, "shipping/ShippingMethodCreate.graphql");
op!(SHIPPING_METHOD_UPDATE, "shipping/ShippingMethodUpdate.graphql");
op!(SHIPPING_METHOD_DELETE, "shipping/ShippingMethodDelete.graphql");
op!(SHIPPING_ZONES, "shipping/ShippingZones.graphql");
op!(TAX_RATE_CREATE, "tax/TaxRateCreate.graphql");
op!(TAX_RATE_UPDATE, "tax/TaxRateUpdate.graphql");
op!(TAX_RATE_DELETE, "tax/TaxRateDelete.graphql");
op!(TAX_RATES, "tax/TaxRates.graphql");
op!(SHOP, "tax/Shop.graphql");

op!(CART, "cart/Cart.graphql");
op!(CART_CREATE, "cart/CartCreate.graphql");
op!(CART_LINES_ADD, "cart/CartLinesAdd.graphql");
op!(CART_LINES_UPDATE, "cart/CartLinesUpdate.graphql");
op!(CART_LINES_REMOVE, "cart/CartLinesRemove.graphql");
op!(CART_BUYER_IDENTITY_UPDATE, "cart/CartBuyerIdentityUpdate.graphql");
op!(CART_DISCOUNT_CODES_UPDATE, "cart/CartDiscountCodesUpdate.graphql");
op!(CART_SHIPPING_ADDRESS_UPDATE, "cart/CartShippingAddressUpdate.graphql");
op!(CART_BILLING_ADDRESS_UPDATE, "cart/CartBillingAddressUpdate.graphql");
op!(CART_SHIPPING_METHODS_UPDATE, "cart/CartShippingMethodsUpdate.graphql");
op!(CART_MERGE, "cart/CartMerge.graphql");
op!(CHECKOUT_COMPLETE, "checkout/CheckoutComplete.graphql");
op!(ORDER, "orders/Order.graphql");
op!(ORDERS, "orders/Orders.graphql");
op!(ORDER_CANCEL, "orders/OrderCancel.graphql");
op!(ORDER_FULFIL, "orders/OrderFulfil.graphql");
op!(ORDER_PAYMENT_CREATE, "payments/OrderPaymentCreate.graphql");
op!(ORDER_PAYMENT_CONFIRM, "payments/OrderPaymentConfirm.graphql");

/// Every operation file, for the "all operations validate" test.
pub fn all() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AccountRegister", ACCOUNT_REGISTER),
        ("TokenCreate", TOKEN_CREATE),
        ("TokenRefresh", TOKEN_REFRESH),
        ("TokenRevoke", TOKEN_REVOKE),
        ("PasswordChange", PASSWORD_CHANGE),
        ("Me", ME),
        ("VendorCreate", VENDOR_CREATE),
        ("Products", PRODUCTS),
        ("Product", PRODUCT),
        ("Variant", VARIANT),
        ("Categories", CATEGORIES),
        ("Node", NODE),
        ("ProductCreate", PRODUCT_CREATE),
        ("ProductUpdate", PRODUCT_UPDATE),
        ("ProductArchive", PRODUCT_ARCHIVE),
        ("ProductVariantCreate", PRODUCT_VARIANT_CREATE),
        ("ProductVariantUpdate", PRODUCT_VARIANT_UPDATE),
        ("ProductVariantArchive", PRODUCT_VARIANT_ARCHIVE),
        ("CategoryCreate", CATEGORY_CREATE),
        ("CategoryUpdate", CATEGORY_UPDATE),
        ("CategoryArchive", CATEGORY_ARCHIVE),
        ("StockAdjust", STOCK_ADJUST),
        ("StockMovements", STOCK_MOVEMENTS),
        ("Cart", CART),
        ("CartCreate", CART_CREATE),
        ("CartLinesAdd", CART_LINES_ADD),
        ("CartLinesUpdate", CART_LINES_UPDATE),
        ("CartLinesRemove", CART_LINES_REMOVE),
        ("CartBuyerIdentityUpdate", CART_BUYER_IDENTITY_UPDATE),
        ("CartDiscountCodesUpdate", CART_DISCOUNT_CODES_UPDATE),
        ("CartShippingAddressUpdate", CART_SHIPPING_ADDRESS_UPDATE),
        ("CartBillingAddressUpdate", CART_BILLING_ADDRESS_UPDATE),
        ("CartShippingMethodsUpdate", CART_SHIPPING_METHODS_UPDATE),
        ("CartMerge", CART_MERGE),
        ("CheckoutComplete", CHECKOUT_COMPLETE),
        ("Order", ORDER),
        ("Orders", ORDERS),
        ("OrderCancel", ORDER_CANCEL),
        ("OrderFulfil", ORDER_FULFIL),
        ("OrderPaymentCreate", ORDER_PAYMENT_CREATE),
        ("OrderPaymentConfirm", ORDER_PAYMENT_CONFIRM),
        ("DiscountCreate", DISCOUNT_CREATE),
        ("DiscountUpdate", DISCOUNT_UPDATE),
        ("DiscountDeactivate", DISCOUNT_DEACTIVATE),
        ("Discounts", DISCOUNTS),
        ("Discount", DISCOUNT),
        ("ShippingZoneCreate", SHIPPING_ZONE_CREATE),
        ("ShippingZoneUpdate", SHIPPING_ZONE_UPDATE),
        ("ShippingZoneDelete", SHIPPING_ZONE_DELETE),
        ("ShippingMethodCreate", SHIPPING_METHOD_CREATE),
        ("ShippingMethodUpdate", SHIPPING_METHOD_UPDATE),
        ("ShippingMethodDelete", SHIPPING_METHOD_DELETE),
        ("ShippingZones", SHIPPING_ZONES),
        ("TaxRateCreate", TAX_RATE_CREATE),
        ("TaxRateUpdate", TAX_RATE_UPDATE),
        ("TaxRateDelete", TAX_RATE_DELETE),
        ("TaxRates", TAX_RATES),
        ("Shop", SHOP),
    ]
}
