//! Relay `Node`: `node(id:)` and `nodes(ids:)` resolve any object by its global ID.

use async_graphql::{Context, ID, Interface, Object};

use crate::{
    catalog::graphql::{Category, Product, ProductVariant, node as catalog},
    graphql::ContextExt,
    graphql::{errors::bad_user_input, ids},
    orders::graphql::{Fulfillment, Order, VendorPanelOrder, fulfillment_node, vendor_order_node},
    shared::ids::{CategoryId, FulfillmentId, OrderId, ProductId, TypedId, VariantId, VendorId, VendorOrderId},
    vendors::graphql::Vendor,
};

/// An object with a globally unique, opaque ID.
#[allow(clippy::large_enum_variant)] // VendorPanelOrder carries its amounts inline; one node per id asked
#[derive(Interface)]
#[graphql(field(name = "id", ty = "&ID", desc = "The global ID of the object."))]
pub enum Node {
    Product(Product),
    ProductVariant(ProductVariant),
    Category(Category),
    Vendor(Vendor),
    Order(Order),
    VendorPanelOrder(VendorPanelOrder),
    Fulfillment(Fulfillment),
}

/// Most IDs accepted by one `nodes` call.
const MAX_NODES: usize = 100;

async fn resolve(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Option<Node>> {
    let Some((ty, uuid)) = ids::decode_any(id) else {
        return Err(bad_user_input(format!("`{}` is not a valid ID", id.as_str())));
    };
    Ok(match ty.as_str() {
        VendorId::TYPE_NAME => crate::vendors::graphql::node(ctx, VendorId::from_uuid(uuid)).await?.map(Node::Vendor),
        ProductId::TYPE_NAME => catalog::product_node(ctx, ProductId::from_uuid(uuid)).await?.map(Node::Product),
        VariantId::TYPE_NAME => catalog::variant_node(ctx, VariantId::from_uuid(uuid)).await?.map(Node::ProductVariant),
        CategoryId::TYPE_NAME => catalog::category_node(ctx, CategoryId::from_uuid(uuid)).await?.map(Node::Category),
        // Orders the viewer may not read resolve to null, like missing ones.
        OrderId::TYPE_NAME => ctx
            .state()
            .orders
            .get(ctx.rcx(), OrderId::from_uuid(uuid), None)
            .await
            .ok()
            .flatten()
            .map(|o| Node::Order(o.into())),
        // Vendor orders and fulfilments: staff and the vendor's members (vendor panel view).
        VendorOrderId::TYPE_NAME => {
            vendor_order_node(ctx, VendorOrderId::from_uuid(uuid)).await.map(Node::VendorPanelOrder)
        }
        FulfillmentId::TYPE_NAME => fulfillment_node(ctx, FulfillmentId::from_uuid(uuid)).await.map(Node::Fulfillment),
        _ => None,
    })
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global ID; null when it does not exist or is not visible to you.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        resolve(ctx, &id).await
    }

    /// Several objects by global ID, in the order asked (at most 100); null where missing.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(bad_user_input(format!("at most {MAX_NODES} ids")));
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            out.push(resolve(ctx, id).await?);
        }
        Ok(out)
    }
}
