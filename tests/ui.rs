//! Compile-time behaviour: every class of mistake in a model description is a compile error on
//! the exact tokens, saying what was found, what was expected and how to fix it, and nothing
//! else (the stub carries the whole API); generated code is hygienic.
//! Refresh the expected output with `TRYBUILD=overwrite cargo test --test ui`.

#[test]
fn model_description_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
