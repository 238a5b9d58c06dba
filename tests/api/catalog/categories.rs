//! categoryCreate, categoryUpdate, categoryArchive and the `categories` tree.

use serde_json::{Value, json};

use super::*;

/// The anonymous (or `token`'s) category tree as `(slug, [child slugs])`, by position.
async fn tree(app: &TestApp, token: Option<&str>) -> Vec<(String, Vec<String>)> {
    let r = app.gql_as(token, ops::CATEGORIES, json!({})).await;
    r.assert_no_errors();
    let slug = |c: &Value| c["slug"].as_str().unwrap().to_owned();
    r.get("categories")
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (slug(c), c["children"].as_array().unwrap().iter().map(slug).collect()))
        .collect()
}

fn node(slug: &str, children: &[&str]) -> (String, Vec<String>) {
    (slug.to_owned(), children.iter().map(|c| (*c).to_owned()).collect())
}

async fn create(app: &TestApp, staff: &str, input: Value) -> Gql {
    app.gql_as(Some(staff), ops::CATEGORY_CREATE, json!({ "input": input })).await
}

async fn update(app: &TestApp, staff: &str, id: &str, input: Value) -> Gql {
    app.gql_as(Some(staff), ops::CATEGORY_UPDATE, json!({ "id": id, "input": input })).await
}

#[tokio::test]
async fn category_create_builds_a_tree_with_children_and_breadcrumbs() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;

    // when
    let home = create(&app, &staff, json!({ "name": "Home", "position": 2 })).await;
    let clothing = create(&app, &staff, json!({ "name": "Clothing", "position": 1 })).await;
    let clothing_id = clothing.str("categoryCreate.category.id");
    let trousers = create(&app, &staff, json!({ "name": "Trousers", "parentId": clothing_id, "position": 2 })).await;
    let shirts = create(
        &app,
        &staff,
        json!({ "name": "Shirts & Tops", "slug": "shirts", "parentId": clothing_id, "position": 1 }),
    )
    .await;
    let shirts_id = shirts.str("categoryCreate.category.id");
    let linen = create(&app, &staff, json!({ "name": "Linen Shirts", "parentId": shirts_id })).await;

    // then
    for r in [&home, &clothing, &trousers, &shirts, &linen] {
        r.assert_no_errors();
    }
    assert!(home.get("categoryCreate.category.parent").is_null());
    assert_eq!(home.str("categoryCreate.category.slug"), "home");
    assert_eq!(home.get("categoryCreate.category.position"), 2);
    assert_eq!(shirts.str("categoryCreate.category.name"), "Shirts & Tops");
    assert_eq!(shirts.str("categoryCreate.category.slug"), "shirts");
    assert_eq!(shirts.get("categoryCreate.category.parent"), &json!({ "id": clothing_id, "slug": "clothing" }));
    assert_eq!(linen.str("categoryCreate.category.slug"), "linen-shirts");

    let r = app.gql(ops::CATEGORIES, json!({})).await;
    r.assert_no_errors();
    assert_eq!(tree(&app, None).await, [node("clothing", &["shirts", "trousers"]), node("home", &[])]);
    assert_eq!(r.str("categories.0.children.0.parent.slug"), "clothing");
    assert_eq!(r.str("categories.0.children.0.children.0.slug"), "linen-shirts");

    let p = active_product(&app, &staff, &acme, "Linen Shirt", json!([])).await;
    let linen_id = linen.str("categoryCreate.category.id");
    let r = app
        .gql_as(Some(&staff), ops::PRODUCT_UPDATE, json!({ "id": id_of(&p), "input": { "categoryIds": [linen_id] } }))
        .await;
    r.assert_no_errors();
    let shown = product_by_id(&app, None, &id_of(&p)).await;
    assert_eq!(
        shown.get("product.categories.0.breadcrumbs"),
        &json!([
            { "name": "Clothing", "slug": "clothing" },
            { "name": "Shirts & Tops", "slug": "shirts" },
            { "name": "Linen Shirts", "slug": "linen-shirts" },
        ])
    );
}

#[tokio::test]
async fn category_create_with_bad_input_returns_the_code_and_field_and_writes_nothing() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let clothing = category(&app, &staff, "Clothing", None).await;
    let cases = [
        ("taken slug", json!({ "name": "Clothes", "slug": "clothing" }), "TAKEN", field(&["slug"])),
        ("taken derived slug", json!({ "name": "Clothing" }), "TAKEN", field(&["slug"])),
        ("malformed slug", json!({ "name": "Shoes", "slug": "Bad Slug" }), "INVALID", field(&["slug"])),
        (
            "unknown parent",
            json!({ "name": "Shoes", "parentId": super::unknown_id("Category") }),
            "NOT_FOUND",
            field(&["parentId"]),
        ),
        ("malformed parent ID", json!({ "name": "Shoes", "parentId": "garbage" }), "INVALID_ID", field(&["parentId"])),
        ("no name", json!({ "slug": "shoes" }), "REQUIRED", field(&["name"])),
        ("blank name", json!({ "name": "  " }), "REQUIRED", field(&["name"])),
    ];

    for (case, input, code, path) in cases {
        // when
        let r = create(&app, &staff, input).await;

        // then
        assert_eq!(user_errors(&r, "categoryCreate"), [(path, code.to_owned())], "{case}: {}", r.body);
        assert!(r.get("categoryCreate.category").is_null(), "{case}");
    }
    assert_eq!(tree(&app, Some(&staff)).await, [node("clothing", &[])]);
    let shoes = create(&app, &staff, json!({ "name": "Shoes", "slug": "shoes", "parentId": clothing })).await;
    shoes.assert_no_errors();
}

#[tokio::test]
async fn category_update_below_its_own_descendant_returns_category_cycle() {
    // given: a > b > c
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let a = category(&app, &staff, "A", None).await;
    let b = category(&app, &staff, "B", Some(&a)).await;
    let c = category(&app, &staff, "C", Some(&b)).await;

    for (case, id, parent) in [("grandchild", &a, &c), ("child", &a, &b), ("itself", &b, &b)] {
        // when
        let r = update(&app, &staff, id, json!({ "parentId": parent })).await;

        // then
        assert_eq!(user_errors(&r, "categoryUpdate"), [(field(&["parentId"]), "CATEGORY_CYCLE".to_owned())], "{case}");
    }
    assert_eq!(tree(&app, None).await, [node("a", &["b"])]);
    let r = app.gql(ops::CATEGORIES, json!({})).await;
    assert_eq!(r.str("categories.0.children.0.children.0.slug"), "c");
}

#[tokio::test]
async fn category_update_moves_a_category_and_make_top_level_lifts_it_to_the_top() {
    // given: a > b > c, and d
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let a = category(&app, &staff, "A", None).await;
    let b = category(&app, &staff, "B", Some(&a)).await;
    let c = category(&app, &staff, "C", Some(&b)).await;
    let d = category(&app, &staff, "D", None).await;

    // when
    let moved = update(&app, &staff, &c, json!({ "parentId": d })).await;
    let renamed = update(&app, &staff, &b, json!({ "name": "Bee" })).await;
    let lifted = update(&app, &staff, &b, json!({ "makeTopLevel": true, "position": 5 })).await;

    // then
    moved.assert_no_errors();
    assert_eq!(moved.str("categoryUpdate.category.parent.slug"), "d");
    renamed.assert_no_errors();
    assert_eq!(renamed.str("categoryUpdate.category.name"), "Bee");
    assert_eq!(renamed.str("categoryUpdate.category.parent.slug"), "a", "omitting parentId keeps the parent");
    lifted.assert_no_errors();
    assert!(lifted.get("categoryUpdate.category.parent").is_null());
    assert_eq!(lifted.str("categoryUpdate.category.name"), "Bee");
    assert_eq!(tree(&app, None).await, [node("a", &[]), node("d", &["c"]), node("b", &[])]);
    // and a former descendant may now become its parent
    update(&app, &staff, &a, json!({ "parentId": b })).await.assert_no_errors();
    assert_eq!(tree(&app, None).await, [node("d", &["c"]), node("b", &["a"])]);
}

#[tokio::test]
async fn category_update_with_bad_input_returns_the_code_and_field() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let a = category(&app, &staff, "A", None).await;
    category(&app, &staff, "B", None).await;
    let cases = [
        ("taken slug", a.clone(), json!({ "slug": "b" }), "TAKEN", field(&["slug"])),
        (
            "unknown parent",
            a.clone(),
            json!({ "parentId": super::unknown_id("Category") }),
            "NOT_FOUND",
            field(&["parentId"]),
        ),
        ("malformed parent", a.clone(), json!({ "parentId": "garbage" }), "INVALID_ID", field(&["parentId"])),
        ("blank name", a.clone(), json!({ "name": "" }), "REQUIRED", field(&["name"])),
        ("unknown category", super::unknown_id("Category"), json!({ "name": "X" }), "NOT_FOUND", field(&["id"])),
    ];

    for (case, id, input, code, path) in cases {
        // when
        let r = update(&app, &staff, &id, input).await;

        // then
        assert_eq!(user_errors(&r, "categoryUpdate"), [(path, code.to_owned())], "{case}: {}", r.body);
    }
    let r = update(&app, &staff, "garbage", json!({ "name": "X" })).await;
    assert_eq!(r.error_codes(), ["BAD_USER_INPUT"]);
    assert_eq!(tree(&app, None).await, [node("a", &[]), node("b", &[])]);
}

#[tokio::test]
async fn category_archive_hides_it_from_the_storefront_tree_but_not_from_staff() {
    // given
    let app = TestApp::spawn().await;
    let staff = app.staff().await;
    let acme = vendor(&app, &staff, "Acme").await;
    let clothing = category(&app, &staff, "Clothing", None).await;
    let shirts = category(&app, &staff, "Shirts", Some(&clothing)).await;
    category(&app, &staff, "Trousers", Some(&clothing)).await;
    let sale = category(&app, &staff, "Sale", None).await;
    let p = create_product(
        &app,
        &staff,
        json!({ "vendorId": acme, "title": "Linen Shirt", "status": "ACTIVE", "categoryIds": [shirts, sale] }),
    )
    .await;

    // when
    let archived_child = app.gql_as(Some(&staff), ops::CATEGORY_ARCHIVE, json!({ "id": shirts })).await;
    let archived_top = app.gql_as(Some(&staff), ops::CATEGORY_ARCHIVE, json!({ "id": sale })).await;

    // then
    archived_child.assert_no_errors();
    assert_eq!(archived_child.get("categoryArchive.category.archived"), true);
    archived_top.assert_no_errors();
    assert_eq!(tree(&app, None).await, [node("clothing", &["trousers"])]);
    let mut staff_tree = tree(&app, Some(&staff)).await;
    staff_tree.sort();
    assert_eq!(staff_tree, [node("clothing", &["shirts", "trousers"]), node("sale", &[])]);
    let shown = product_by_id(&app, None, &id_of(&p)).await;
    assert_eq!(shown.get("product.categories"), &json!([]), "archived categories are not listed to shoppers");
    let by_staff = product_by_id(&app, Some(&staff), &id_of(&p)).await;
    assert_eq!(by_staff.get("product.categories").as_array().unwrap().len(), 2);
    let unknown = app.gql_as(Some(&staff), ops::CATEGORY_ARCHIVE, json!({ "id": super::unknown_id("Category") })).await;
    assert_eq!(user_errors(&unknown, "categoryArchive"), [(field(&["id"]), "NOT_FOUND".to_owned())]);
}
