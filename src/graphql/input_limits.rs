//! Bounded inputs (issue 17): no string or list reaches a resolver, let alone the database,
//! without a maximum. Every string argument or input field is at most [`MAX_STRING_CHARS`]
//! characters and every list at most [`MAX_LIST_ITEMS`] items, checked on the document's
//! literals and on the variables before validation; fields with a smaller documented maximum
//! check it in their resolver with [`max_chars`] / [`max_items`]. Over a limit is a top-level
//! `BAD_USER_INPUT` naming the argument and the limit.

use std::sync::Arc;

use async_graphql::{
    Name, ServerError, ServerResult, Value, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

use crate::graphql::errors::{bad_user_input, server_error};

/// The longest string any input may be (a product description's maximum).
pub const MAX_STRING_CHARS: usize = 20_000;
/// The most items any list input may hold.
pub const MAX_LIST_ITEMS: usize = 1_000;
/// Nesting followed in input values (deeper values are refused by the same error).
const MAX_NESTING: usize = 32;

/// `value` is at most `max` characters, or a `BAD_USER_INPUT` naming `name`.
///
/// # Errors
/// `BAD_USER_INPUT` when it is longer.
pub fn max_chars(value: &str, max: usize, name: &str) -> async_graphql::Result<()> {
    if value.chars().count() > max {
        return Err(bad_user_input(format!("`{name}` must be at most {max} characters")));
    }
    Ok(())
}

/// `items` holds at most `max`, or a `BAD_USER_INPUT` naming `name`.
///
/// # Errors
/// `BAD_USER_INPUT` when it holds more.
pub fn max_items<T>(items: &[T], max: usize, name: &str) -> async_graphql::Result<()> {
    if items.len() > max {
        return Err(bad_user_input(format!("`{name}` must hold at most {max} items")));
    }
    Ok(())
}

fn refused(message: String) -> ServerError {
    server_error("BAD_USER_INPUT", message)
}

/// Checks one value (a variable's or a literal's, constants only) under the general limits.
fn check(value: &Value, name: &str, depth: usize) -> Result<(), ServerError> {
    if depth > MAX_NESTING {
        return Err(refused(format!("`{name}` is nested deeper than {MAX_NESTING} levels")));
    }
    match value {
        Value::String(s) if s.chars().count() > MAX_STRING_CHARS => {
            Err(refused(format!("`{name}` must be at most {MAX_STRING_CHARS} characters")))
        }
        Value::List(items) if items.len() > MAX_LIST_ITEMS => {
            Err(refused(format!("`{name}` must hold at most {MAX_LIST_ITEMS} items")))
        }
        Value::List(items) => items.iter().try_for_each(|v| check(v, name, depth + 1)),
        Value::Object(fields) => fields.iter().try_for_each(|(k, v)| check(v, &format!("{name}.{k}"), depth + 1)),
        _ => Ok(()),
    }
}

fn check_selection(set: &SelectionSet, doc: &ExecutableDocument, depth: usize) -> Result<(), ServerError> {
    if depth > MAX_NESTING {
        return Ok(()); // the depth limit refuses it in validation
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                for (arg, value) in &f.node.arguments {
                    // variables are checked on their own; a literal holding one is checked
                    // without it
                    let literal = value.node.clone().into_const_with(|_: Name| Ok::<_, ()>(Value::Null));
                    if let Ok(literal) = literal {
                        check(&literal, &format!("{}.{}", f.node.name.node, arg.node), 0)?;
                    }
                }
                check_selection(&f.node.selection_set.node, doc, depth + 1)?;
            }
            Selection::InlineFragment(frag) => check_selection(&frag.node.selection_set.node, doc, depth + 1)?,
            Selection::FragmentSpread(spread) => {
                if let Some(frag) = doc.fragments.get(&spread.node.fragment_name.node) {
                    check_selection(&frag.node.selection_set.node, doc, depth + 1)?;
                }
            }
        }
    }
    Ok(())
}

/// The extension checking the general limits.
pub struct InputLimits;

impl ExtensionFactory for InputLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(InputLimits)
    }
}

#[async_trait::async_trait]
impl Extension for InputLimits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        for (name, value) in variables.iter() {
            check(value, &format!("${name}"), 0)?;
        }
        let doc = next.run(ctx, query, variables).await?;
        for (_, op) in doc.operations.iter() {
            check_selection(&op.node.selection_set.node, &doc, 0)?;
        }
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn strings_and_lists_are_checked_at_any_depth_with_their_path() {
        let ok = Value::from_json(json!({ "a": ["x", { "b": "y" }] })).unwrap();
        assert!(check(&ok, "$input", 0).is_ok());
        let long = Value::from_json(json!({ "a": [{ "b": "x".repeat(MAX_STRING_CHARS + 1) }] })).unwrap();
        assert!(check(&long, "$input", 0).unwrap_err().message.contains("`$input.a.b` must be at most 20000"));
        let many = Value::from_json(json!({ "ids": vec![1; MAX_LIST_ITEMS + 1] })).unwrap();
        assert!(check(&many, "$input", 0).unwrap_err().message.contains("`$input.ids` must hold at most 1000"));
    }
}
