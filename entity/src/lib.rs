//! SeaORM entities: one file per table, no business rules and no GraphQL derives.
//! The domain modules in `src/` map these rows to their own models in their `repo.rs`.

pub mod audit_log;
pub mod cart;
pub mod cart_line;
pub mod category;
pub mod checkout_idempotency;
pub mod discount;
pub mod discount_redemption;
pub mod dispute;
pub mod fulfillment;
pub mod fulfillment_line;
pub mod marketplace_settings;
pub mod order;
pub mod order_history;
pub mod order_line;
pub mod outbox;
pub mod payment;
pub mod product;
pub mod product_attribute;
pub mod product_category;
pub mod product_history;
pub mod product_image;
pub mod refresh_token;
pub mod refund;
pub mod shipping_method;
pub mod shipping_zone;
pub mod shipping_zone_area;
pub mod stock_movement;
pub mod tax_rate;
pub mod user;
pub mod variant;
pub mod vendor;
pub mod vendor_invite;
pub mod vendor_member;
pub mod vendor_order;
pub mod webhook_event;
