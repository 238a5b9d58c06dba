//! Query cost (reliability goals C1–C2), Shopify's model: computed from the document and its
//! variables before anything runs, reported on every response as `extensions.cost`, capped by
//! `graphql.max_cost` for one operation and for the sum over a batch.
//!
//! | selection | cost |
//! |---|---|
//! | a field of object, interface or union type | 1 + its selection |
//! | a connection (`…Connection`) | 2 + `first` (or `last`; default 20) × its `edges`/`nodes` selection, + the rest of its selection |
//! | a list of objects | its documented maximum ("at most N" in its description; else 10) × (1 + its selection) |
//! | a root mutation field | 10 + its selection |
//! | a scalar or enum field | 0; `__typename` and any aliased field cost 1 |
//! | fragments on different types (`... on Product`, `... on Vendor`) | the dearest of them |
//!
//! The actual cost walks the same document over the response data, counting the items that
//! came back instead of the ones asked for.
//!
//! The model is read from the schema's own SDL (types, list-ness, argument defaults and
//! descriptions), so it follows the schema without a second list to keep.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use async_graphql::{
    Name, Request, Response, ServerError, ServerResult, Value, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest},
    parser::{
        parse_schema,
        types::{
            BaseType, DocumentOperations, ExecutableDocument, Field, OperationDefinition, OperationType, Selection,
            SelectionSet, TypeKind, TypeSystemDefinition,
        },
    },
};
use serde_json::json;

use crate::graphql::errors::server_error;

/// Page size a connection costs when it names no `first`/`last` (the connections' default).
pub const DEFAULT_PAGE: u64 = 20;
/// What a list of objects costs per item slot when its description documents no maximum.
pub const DEFAULT_LIST_MAX: u64 = 10;
const MUTATION_COST: u64 = 10;
const CONNECTION_COST: u64 = 2;
/// Fragment nesting beyond this is not followed (validation refuses cycles later).
const MAX_NESTING: usize = 64;

/// A field's result type, as far as cost goes.
#[derive(Debug, Clone)]
struct FieldInfo {
    /// The named type (`Product` for `[Product!]!`).
    base: String,
    list: bool,
    /// "at most N" from the description.
    documented_max: Option<u64>,
    /// Default of `first` / `last`, when the field has one.
    default_page: Option<u64>,
}

/// Which type names are composite (object, interface, union) and their fields.
#[derive(Debug, Default)]
pub struct CostModel {
    composite: HashMap<String, HashMap<String, FieldInfo>>,
    mutation_root: String,
}

fn documented_max(description: Option<&str>) -> Option<u64> {
    let text = description?;
    let at = text.find("at most ")?;
    let digits: String = text[at + 8..].chars().take_while(|c| c.is_ascii_digit() || *c == ',').collect();
    digits.replace(',', "").parse().ok()
}

impl CostModel {
    /// Reads the model from SDL (the schema's own `sdl()`).
    ///
    /// # Panics
    /// When the SDL does not parse, which would be a bug in the schema builder.
    pub fn from_sdl(sdl: &str) -> Self {
        let doc = parse_schema(sdl).expect("the schema's SDL parses");
        let mut model = CostModel { mutation_root: "Mutation".to_owned(), ..CostModel::default() };
        for def in doc.definitions {
            let TypeSystemDefinition::Type(t) = def else { continue };
            let t = t.node;
            let fields = match &t.kind {
                TypeKind::Object(o) => &o.fields,
                TypeKind::Interface(i) => &i.fields,
                TypeKind::Union(_) => {
                    model.composite.insert(t.name.node.to_string(), HashMap::new());
                    continue;
                }
                _ => continue,
            };
            let mut map = HashMap::new();
            for f in fields {
                let f = &f.node;
                let (base, list) = named(&f.ty.node.base);
                let default_page = f
                    .arguments
                    .iter()
                    .filter(|a| a.node.name.node == "first" || a.node.name.node == "last")
                    .find_map(|a| a.node.default_value.as_ref().and_then(|v| v.node.as_u64()));
                map.insert(
                    f.name.node.to_string(),
                    FieldInfo {
                        base,
                        list,
                        documented_max: documented_max(f.description.as_ref().map(|d| d.node.as_str())),
                        default_page,
                    },
                );
            }
            model.composite.insert(t.name.node.to_string(), map);
        }
        model
    }

    fn is_composite(&self, ty: &str) -> bool {
        self.composite.contains_key(ty)
    }
}

fn named(ty: &BaseType) -> (String, bool) {
    match ty {
        BaseType::Named(n) => (n.to_string(), false),
        BaseType::List(inner) => (named(&inner.base).0, true),
    }
}

trait AsU64 {
    fn as_u64(&self) -> Option<u64>;
}

impl AsU64 for Value {
    fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }
}

/// One operation's cost: the document's operation named `operation` (or its only one).
struct Walk<'a> {
    model: &'a CostModel,
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    defaults: HashMap<&'a str, Value>,
}

/// How items are counted: as asked (`first`, documented maxima) or as returned.
enum Data<'v> {
    Requested,
    Returned(&'v Value),
}

impl Walk<'_> {
    fn arg_u64(&self, field: &Field, names: &[&str]) -> Option<u64> {
        let (_, value) = field.arguments.iter().find(|(n, _)| names.contains(&n.node.as_str()))?;
        let resolved = value.node.clone().into_const_with(|var| {
            self.variables.get(&var).cloned().or_else(|| self.defaults.get(var.as_str()).cloned()).ok_or(())
        });
        resolved.ok().and_then(|c| c.as_u64())
    }

    /// The cost of `set` selected on `ty`; `data` is the object the set was answered with.
    fn selection(&self, set: &SelectionSet, ty: Option<&str>, data: &Data<'_>, depth: usize) -> u64 {
        if depth > MAX_NESTING {
            return 0;
        }
        let mut base = 0;
        let mut by_condition: HashMap<&str, u64> = HashMap::new();
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => base += self.field(&f.node, ty, data, depth),
                Selection::InlineFragment(frag) => {
                    let cond = frag.node.type_condition.as_ref().map(|c| c.node.on.node.as_str());
                    let on = cond.or(ty);
                    let cost = self.selection(&frag.node.selection_set.node, on, data, depth + 1);
                    add_conditioned(&mut base, &mut by_condition, cond.filter(|c| Some(*c) != ty), cost);
                }
                Selection::FragmentSpread(spread) => {
                    let Some(frag) = self.doc.fragments.get(&spread.node.fragment_name.node) else { continue };
                    let cond = frag.node.type_condition.node.on.node.as_str();
                    let cost = self.selection(&frag.node.selection_set.node, Some(cond), data, depth + 1);
                    add_conditioned(&mut base, &mut by_condition, Some(cond).filter(|c| Some(*c) != ty), cost);
                }
            }
        }
        base + by_condition.into_values().max().unwrap_or(0)
    }

    fn field(&self, field: &Field, parent: Option<&str>, data: &Data<'_>, depth: usize) -> u64 {
        let name = field.name.node.as_str();
        let aliased = field.alias.is_some();
        if name == "__typename" {
            return 1;
        }
        let info = parent.and_then(|p| self.model.composite.get(p)).and_then(|fields| fields.get(name));
        let key = field.alias.as_ref().map_or(name, |a| a.node.as_str());
        let value = match data {
            Data::Requested => None,
            Data::Returned(v) => Some(match v {
                Value::Object(o) => o.get(key).unwrap_or(&Value::Null),
                _ => &Value::Null,
            }),
        };
        let set = &field.selection_set.node;
        let composite = info.is_some_and(|i| self.model.is_composite(&i.base)) || !set.items.is_empty();
        if !composite {
            return u64::from(aliased);
        }
        let ty = info.map(|i| i.base.as_str());
        let root = if parent == Some(self.model.mutation_root.as_str()) { MUTATION_COST - 1 } else { 0 };
        let one = |v: Option<&Value>| -> u64 {
            match v {
                None => 1 + self.selection(set, ty, &Data::Requested, depth + 1),
                Some(Value::Null) => 1,
                Some(v) => 1 + self.selection(set, ty, &Data::Returned(v), depth + 1),
            }
        };
        if ty.is_some_and(|t| t.ends_with("Connection")) {
            return root + self.connection(field, info, set, ty, value, depth);
        }
        if info.is_some_and(|i| i.list) {
            return root
                + match value {
                    None => {
                        let max = info.and_then(|i| i.documented_max).unwrap_or(DEFAULT_LIST_MAX);
                        max * one(None)
                    }
                    Some(Value::List(items)) => items.iter().map(|v| one(Some(v))).sum(),
                    Some(_) => 0,
                };
        }
        root + one(value)
    }

    /// `2 + page × (edges/nodes selection) + the rest`.
    fn connection(
        &self,
        field: &Field,
        info: Option<&FieldInfo>,
        set: &SelectionSet,
        ty: Option<&str>,
        value: Option<&Value>,
        depth: usize,
    ) -> u64 {
        let fields = ty.and_then(|t| self.model.composite.get(t));
        let page = self
            .arg_u64(field, &["first", "last"])
            .or_else(|| info.and_then(|i| i.default_page))
            .unwrap_or(DEFAULT_PAGE);
        let mut cost = CONNECTION_COST;
        for item in &set.items {
            let Selection::Field(f) = &item.node else {
                cost += self.selection(
                    &SelectionSet { items: vec![item.clone()] },
                    ty,
                    &value.map_or(Data::Requested, Data::Returned),
                    depth + 1,
                );
                continue;
            };
            let f = &f.node;
            let name = f.name.node.as_str();
            if name != "edges" && name != "nodes" {
                cost += self.field(f, ty, &value.map_or(Data::Requested, Data::Returned), depth + 1);
                continue;
            }
            let item_ty = fields.and_then(|m| m.get(name)).map(|i| i.base.as_str());
            let key = f.alias.as_ref().map_or(name, |a| a.node.as_str());
            let per_item = |v: Option<&Value>| -> u64 {
                let data = v.map_or(Data::Requested, Data::Returned);
                1 + self.selection(&f.selection_set.node, item_ty, &data, depth + 1)
            };
            cost += match value {
                None => page * per_item(None),
                Some(Value::Object(o)) => match o.get(key) {
                    Some(Value::List(items)) => items.iter().map(|v| per_item(Some(v))).sum(),
                    _ => 0,
                },
                Some(_) => 0,
            };
        }
        cost
    }
}

fn add_conditioned<'a>(base: &mut u64, by: &mut HashMap<&'a str, u64>, cond: Option<&'a str>, cost: u64) {
    match cond {
        None => *base += cost,
        Some(c) => *by.entry(c).or_default() += cost,
    }
}

/// The operation `name` picks (or the only one), with its root type name.
fn operation<'d>(doc: &'d ExecutableDocument, name: Option<&str>) -> Option<&'d OperationDefinition> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(&Name::new(name)).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next().map(|op| &op.node),
        _ => None,
    }
}

/// The requested cost of `doc`'s operation `name`, and with `data`, the actual cost of the
/// answer. Unknown operations, types and fields cost nothing here (validation refuses them).
pub fn cost(
    model: &CostModel,
    doc: &ExecutableDocument,
    name: Option<&str>,
    variables: &Variables,
    data: Option<&Value>,
) -> u64 {
    let Some(op) = operation(doc, name) else { return 0 };
    let defaults = op
        .variable_definitions
        .iter()
        .filter_map(|d| d.node.default_value.as_ref().map(|v| (d.node.name.node.as_str(), v.node.clone())))
        .collect();
    let walk = Walk { model, doc, variables, defaults };
    let root = match op.ty {
        OperationType::Query => "Query",
        OperationType::Mutation => model.mutation_root.as_str(),
        OperationType::Subscription => "Subscription",
    };
    let data = data.map_or(Data::Requested, Data::Returned);
    walk.selection(&op.selection_set.node, Some(root), &data, 0)
}

/// The error for an operation (or batch) over the limit.
pub fn exceeded(cost: u64, max: u64) -> ServerError {
    let mut e = server_error("COST_EXCEEDED", format!("The query costs {cost}, over the limit of {max} per request"));
    let ext = e.extensions.get_or_insert_with(Default::default);
    ext.set("cost", cost);
    ext.set("maxCost", max);
    e
}

/// The extension: refuses an operation over `max` before validation and execution, and adds
/// `extensions.cost { requestedQueryCost actualQueryCost }` to its response.
pub struct CostLimit {
    model: Arc<CostModel>,
    max: u64,
}

impl CostLimit {
    pub fn new(model: Arc<CostModel>, max: u64) -> Self {
        Self { model, max }
    }
}

impl ExtensionFactory for CostLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostExtension { model: self.model.clone(), max: self.max, state: Mutex::default() })
    }
}

#[derive(Default)]
struct State {
    operation: Option<String>,
    variables: Variables,
    doc: Option<ExecutableDocument>,
    requested: u64,
}

struct CostExtension {
    model: Arc<CostModel>,
    max: u64,
    state: Mutex<State>,
}

#[async_trait::async_trait]
impl Extension for CostExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let request = next.run(ctx, request).await?;
        let mut state = self.state.lock().expect("cost state");
        state.operation = request.operation_name.clone();
        state.variables = request.variables.clone();
        Ok(request)
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let mut state = self.state.lock().expect("cost state");
        let requested = cost(&self.model, &doc, state.operation.as_deref(), variables, None);
        if requested > self.max {
            return Err(exceeded(requested, self.max));
        }
        state.requested = requested;
        state.doc = Some(doc.clone());
        Ok(doc)
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        let state = self.state.lock().expect("cost state");
        if let Some(doc) = &state.doc {
            let actual = cost(&self.model, doc, state.operation.as_deref(), &state.variables, Some(&response.data));
            let value = json!({ "requestedQueryCost": state.requested, "actualQueryCost": actual });
            response.extensions.insert("cost".to_owned(), Value::from_json(value).unwrap_or_default());
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    const SDL: &str = r#"
        type Query { products(first: Int, after: String): ProductConnection! node(id: ID!): Node shop: Shop }
        type Mutation { cartCreate: Cart }
        interface Node { id: ID! }
        type Shop { name: String! }
        type Cart implements Node { id: ID! lines: [Line!]! }
        type Line { quantity: Int! }
        type ProductConnection { edges: [ProductEdge!]! pageInfo: PageInfo! totalCount: Int! }
        type ProductEdge { cursor: String! node: Product! }
        type PageInfo { hasNextPage: Boolean! }
        type Product implements Node {
            id: ID! title: String!
            "The variants, at most 100."
            variants: [Variant!]!
            images: [Image!]!
            vendor: Vendor
        }
        type Variant { sku: String! }
        type Image { url: String! }
        type Vendor implements Node { id: ID! name: String! }
    "#;

    fn requested(query: &str, variables: serde_json::Value) -> u64 {
        let model = CostModel::from_sdl(SDL);
        let doc = parse_query(query).unwrap();
        cost(&model, &doc, None, &Variables::from_json(variables), None)
    }

    #[test]
    fn scalars_are_free_objects_cost_one() {
        assert_eq!(requested("{ shop { name } }", json!({})), 1);
        assert_eq!(requested("{ shop { a: name b: name __typename } }", json!({})), 4);
    }

    #[test]
    fn connections_cost_two_plus_page_times_item() {
        // 2 + 5 × (edge 1 + node 1 + vendor 1) + pageInfo 1
        let q = "query($n: Int) { products(first: $n) { edges { node { title vendor { name } } } pageInfo { hasNextPage } } }";
        assert_eq!(requested(q, json!({ "n": 5 })), 2 + 5 * 3 + 1);
        // no `first`: the default page of 20
        assert_eq!(requested("{ products { edges { node { id } } } }", json!({})), 2 + 20 * 2);
    }

    #[test]
    fn lists_cost_their_documented_maximum_else_ten() {
        let q = "{ products(first: 1) { edges { node { variants { sku } images { url } } } } }";
        // 2 + 1 × (edge 1 + node 1 + 100 × 1 + 10 × 1)
        assert_eq!(requested(q, json!({})), 2 + 2 + 100 + 10);
    }

    #[test]
    fn mutations_cost_ten_and_fragments_on_other_types_the_dearest() {
        assert_eq!(requested("mutation { cartCreate { id } }", json!({})), 10);
        let q = "{ node(id: \"x\") { id ... on Cart { lines { quantity } } ... on Vendor { name } } }";
        // node 1 + Cart's lines 10 × 1 (dearer than Vendor's 0)
        assert_eq!(requested(q, json!({})), 1 + 10);
    }

    #[test]
    fn the_actual_cost_counts_what_came_back() {
        let model = CostModel::from_sdl(SDL);
        let doc = parse_query("{ products(first: 50) { edges { node { variants { sku } } } } }").unwrap();
        let data = Value::from_json(json!({ "products": { "edges": [
            { "node": { "variants": [{ "sku": "a" }, { "sku": "b" }] } },
            { "node": { "variants": [] } },
        ] } }))
        .unwrap();
        let requested = cost(&model, &doc, None, &Variables::default(), None);
        let actual = cost(&model, &doc, None, &Variables::default(), Some(&data));
        assert_eq!(requested, 2 + 50 * (1 + 1 + 100));
        // 2 + (1 + 1 + 2) + (1 + 1 + 0)
        assert_eq!(actual, 2 + 4 + 2);
    }

    #[test]
    fn documented_maxima_are_read_from_descriptions() {
        assert_eq!(documented_max(Some("newest first, at most 100 entries")), Some(100));
        assert_eq!(documented_max(Some("at most 1,000")), Some(1000));
        assert_eq!(documented_max(Some("no limit")), None);
    }
}
