//! Reads a JSON request (a REST body or a socket request's payload) into a
//! server function's typed arguments.

use std::any::TypeId;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

use serde_json::{Map, Value};

use crate::error::AppError;

/// The JSON Schema of a type of arguments and the components it refers to.
type Described = Arc<(Value, Map<String, Value>)>;

/// The schema of `T` as JSON, made once per type.
fn described<T: utoipa::ToSchema + 'static>() -> Described {
    static MADE: LazyLock<RwLock<HashMap<TypeId, Described>>> = LazyLock::new(Default::default);
    let id = TypeId::of::<T>();
    if let Some(made) = MADE.read().unwrap_or_else(PoisonError::into_inner).get(&id) {
        return made.clone();
    }
    let mut components = Vec::new();
    T::schemas(&mut components);
    let components: Map<String, Value> = components
        .into_iter()
        .map(|(name, schema)| (name, serde_json::to_value(schema).unwrap_or_default()))
        .collect();
    let schema = serde_json::to_value(T::schema()).unwrap_or_default();
    MADE.write()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(id)
        .or_insert_with(|| Arc::new((schema, components)))
        .clone()
}

/// Reads a JSON body into typed arguments: each value of its JSON type, an
/// error naming the field that is missing or of the wrong type. As in JSON
/// Schema, a number without a fraction (`7.0`) is an integer.
pub fn arguments<T: serde::de::DeserializeOwned + utoipa::ToSchema + 'static>(
    body: &[u8],
) -> Result<T, AppError> {
    let unreadable =
        |why: String| AppError::Request(format!("The request could not be read: {why}"));
    let mut value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| unreadable(format!("the body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(unreadable(
            "the body must be a JSON object of the arguments.".into(),
        ));
    }
    whole_numbers_as_integers(&mut value);
    let described = described::<T>();
    let (schema, components) = &*described;
    objects_where_objects_belong(&value, schema, components, "")
        .map_err(|field| unreadable(format!("{field}: must be a JSON object")))?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        let problem = e.into_inner();
        if field == "." {
            unreadable(format!(
                "the body is not a JSON object of the arguments: {problem}"
            ))
        } else {
            unreadable(format!("{field}: {problem}"))
        }
    })
}

/// Where the arguments' schema asks for an object, a list is refused: serde
/// would read it as the fields in order. Answers the path of the first one.
fn objects_where_objects_belong(
    value: &serde_json::Value,
    schema: &serde_json::Value,
    components: &serde_json::Map<String, serde_json::Value>,
    path: &str,
) -> Result<(), String> {
    use serde_json::Value;
    if let Some(name) = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
        return match components.get(name) {
            Some(schema) => objects_where_objects_belong(value, schema, components, path),
            None => Ok(()),
        };
    }
    for variant in ["oneOf", "anyOf", "allOf"] {
        for schema in schema[variant].as_array().into_iter().flatten() {
            objects_where_objects_belong(value, schema, components, path)?;
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    match value {
        Value::Array(_) if types.contains(&"object") && !types.contains(&"array") => {
            Err(path.trim_start_matches('.').to_owned())
        }
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
            objects_where_objects_belong(
                item,
                &schema["items"],
                components,
                &format!("{path}[{i}]"),
            )
        }),
        Value::Object(fields) => fields.iter().try_for_each(|(name, field)| {
            objects_where_objects_belong(
                field,
                &schema["properties"][name],
                components,
                &format!("{path}.{name}"),
            )
        }),
        _ => Ok(()),
    }
}

/// Turns every number without a fraction that fits an integer into one.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.0e15
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}
