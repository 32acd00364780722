//! The OpenAPI 3.1 document of the REST surface, made from the server
//! functions' own types: each argument struct and each answer derive their
//! JSON Schema, the path and method come from the server function itself.

use std::collections::BTreeMap;

use leptos::server_fn::ServerFn;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, ParameterBuilder, ParameterIn,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathItem,
    PathsBuilder, Ref, RefOr, Required, ResponseBuilder, Schema,
};
use utoipa::{PartialSchema, ToSchema};

use crate::accounts::api as accounts;
use crate::display::api as display;
use crate::docs::api as docs;
use crate::docs::{OperationDoc, Reference, SocketDoc, SocketRequestDoc};
use crate::error::AppError;
use crate::live::actions::{Action, Stream, SubscriptionArgs};
use crate::live::api as live;
use crate::notifications::api as notifications;
use crate::patients::api as patients;
use crate::platform::frames::Frame;
use crate::rounds::api as rounds;
use crate::system::api as system;
use crate::vocabulary::{IntoEnumIterator, Vocabulary};

/// Who may call an endpoint. Patient data is further limited to the
/// caller's wards. Its code is the OpenAPI extension value `x-access`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "kebab-case")]
pub enum Access {
    /// No sign-in needed.
    Anyone,
    /// Any signed-in user or API token.
    SignedIn,
    /// Signed-in people; API tokens are refused (403).
    People,
    /// Administrators and clinicians.
    Clinicians,
    /// Administrators only.
    Admins,
}

impl Access {
    /// As the API page and the document say it.
    pub fn label(self) -> &'static str {
        match self {
            Access::Anyone => "anyone",
            Access::SignedIn => "every role",
            Access::People => "signed-in users (not API tokens)",
            Access::Clinicians => "admin, clinician",
            Access::Admins => "admin",
        }
    }

    fn security(self) -> Vec<SecurityRequirement> {
        match self {
            Access::Anyone => vec![SecurityRequirement::default()],
            Access::People => vec![SecurityRequirement::new::<_, _, &str>(SESSION, [])],
            _ => vec![
                SecurityRequirement::new::<_, _, &str>(BEARER, []),
                SecurityRequirement::new::<_, _, &str>(SESSION, []),
            ],
        }
    }

    /// The error statuses an endpoint of this access can answer besides
    /// those of its arguments.
    fn statuses(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Access::Anyone => &[("401", "A token or session sent along is not valid.")],
            Access::SignedIn => &[("401", "Not signed in, or the token is not valid.")],
            _ => &[
                ("401", "Not signed in, or the token is not valid."),
                ("403", "Not allowed for this caller."),
            ],
        }
    }
}

const BEARER: &str = "bearer";
const SESSION: &str = "session";

/// Reads a JSON body into a server function's arguments and gives them
/// in the form encoding server functions read.
pub type JsonReader = fn(&[u8]) -> Result<String, AppError>;

/// One operation of the document: a server function and who may call it.
struct Entry {
    path: &'static str,
    read_json: JsonReader,
    access: Access,
    input: RefOr<Schema>,
    output: RefOr<Schema>,
    schemas: Vec<(String, RefOr<Schema>)>,
}

/// `body` as the arguments `F` (each value of its JSON type, errors naming
/// the field), encoded as the form `F` is read from.
fn read_json<F: DeserializeOwned + Serialize + ToSchema + 'static>(
    body: &[u8],
) -> Result<String, AppError> {
    let arguments: F = crate::platform::arguments::arguments(body)?;
    serde_qs::to_string(&arguments)
        .map_err(|e| AppError::Request(format!("The body cannot be read: {e}")))
}

/// How the server function at `path` reads a JSON body, if there is one there.
pub fn json_reader(path: &str) -> Option<JsonReader> {
    static READERS: std::sync::LazyLock<BTreeMap<&'static str, JsonReader>> =
        std::sync::LazyLock::new(|| {
            entries()
                .into_iter()
                .map(|e| (e.path, e.read_json))
                .collect()
        });
    READERS.get(path).copied()
}

fn entry<F>(access: Access) -> Entry
where
    F: ServerFn + ToSchema + DeserializeOwned + Serialize + 'static,
    F::Output: ToSchema,
{
    let mut schemas = Vec::new();
    F::schemas(&mut schemas);
    <F::Output as ToSchema>::schemas(&mut schemas);
    Entry {
        path: F::PATH,
        read_json: read_json::<F>,
        access,
        input: F::schema(),
        output: <F::Output as PartialSchema>::schema(),
        schemas,
    }
}

/// Every server function, with who may call it.
fn entries() -> Vec<Entry> {
    use Access::*;
    vec![
        entry::<system::SystemStatus>(Anyone),
        entry::<accounts::Login>(Anyone),
        entry::<accounts::Logout>(Anyone),
        entry::<accounts::Me>(Anyone),
        entry::<accounts::ChangePassword>(People),
        entry::<accounts::ListWards>(SignedIn),
        entry::<accounts::CreateWard>(Admins),
        entry::<accounts::RenameWard>(Admins),
        entry::<accounts::ListUsers>(Admins),
        entry::<accounts::CreateUser>(Admins),
        entry::<accounts::UpdateUser>(Admins),
        entry::<accounts::SetUserActive>(Admins),
        entry::<accounts::ResetPassword>(Admins),
        entry::<accounts::AdminLog>(Admins),
        entry::<accounts::ListTokens>(Admins),
        entry::<accounts::CreateToken>(Admins),
        entry::<accounts::RevokeToken>(Admins),
        entry::<patients::ListPatients>(SignedIn),
        entry::<patients::AdmittedPatients>(SignedIn),
        entry::<patients::GetPatient>(SignedIn),
        entry::<patients::CreatePatient>(Clinicians),
        entry::<patients::UpdatePatient>(Clinicians),
        entry::<patients::DischargePatient>(Clinicians),
        entry::<patients::DeletePatient>(Admins),
        entry::<patients::PatientHistory>(SignedIn),
        entry::<patients::AcknowledgeAlert>(Clinicians),
        entry::<rounds::ListRounds>(SignedIn),
        entry::<rounds::GetRound>(SignedIn),
        entry::<rounds::RecordRound>(Clinicians),
        entry::<rounds::RecordRounds>(Clinicians),
        entry::<rounds::CorrectRound>(Clinicians),
        entry::<rounds::DeleteRound>(Admins),
        entry::<rounds::PatientCharts>(SignedIn),
        entry::<rounds::PatientStatus>(SignedIn),
        entry::<rounds::SetPhase>(Clinicians),
        entry::<rounds::ClearPhase>(Clinicians),
        entry::<rounds::PatientAdvice>(SignedIn),
        entry::<rounds::WardHandover>(SignedIn),
        entry::<rounds::GiveAdvice>(SignedIn),
        entry::<live::SocketTicket>(SignedIn),
        entry::<notifications::ListNotifications>(People),
        entry::<notifications::MarkNotificationsRead>(People),
        entry::<notifications::NotificationPreferences>(People),
        entry::<notifications::SaveNotificationPreferences>(People),
        entry::<display::DisplaySettings>(Anyone),
        entry::<display::SaveDisplaySettings>(People),
        entry::<docs::ApiReference>(Anyone),
    ]
}

/// The server functions that exist: path and method, as registered.
pub fn registered() -> BTreeMap<&'static str, http::Method> {
    leptos::server_fn::axum::server_fn_paths()
        .filter(|(path, _)| path.starts_with("/api/"))
        .collect()
}

/// The text of a doc comment on a server function, without the line the
/// framework adds to every argument struct.
fn described(schema: &RefOr<Schema>) -> (String, Option<String>) {
    let text = match schema {
        RefOr::T(Schema::Object(object)) => object.description.clone().unwrap_or_default(),
        _ => String::new(),
    };
    let text: Vec<&str> = text
        .lines()
        .map(str::trim)
        .skip_while(|line| line.starts_with("Serialized arguments"))
        .collect();
    let text = text.join("\n");
    let mut paragraphs = text.split("\n\n").map(str::trim).filter(|p| !p.is_empty());
    let summary = paragraphs.next().unwrap_or_default().to_owned();
    let rest: Vec<&str> = paragraphs.collect();
    (summary, (!rest.is_empty()).then(|| rest.join("\n\n")))
}

/// The bounds the services check on the query parameters of these names.
fn bounds(name: &str) -> Option<(u64, u64)> {
    match name {
        "page" => Some((1, crate::paging::MAX_PAGE)),
        "per_page" => Some((1, crate::paging::MAX_PER_PAGE)),
        "buckets" => Some((1, crate::rounds::series::MAX_BUCKETS as u64)),
        _ => None,
    }
}

/// `schema` with the bounds of the parameter `name`.
fn bounded(name: &str, schema: RefOr<Schema>) -> RefOr<Schema> {
    let Some((minimum, maximum)) = bounds(name) else {
        return schema;
    };
    let mut value = serde_json::to_value(&schema).unwrap_or_default();
    value["minimum"] = minimum.into();
    value["maximum"] = maximum.into();
    serde_json::from_value(value).unwrap_or(schema)
}

/// Whether an argument struct has no fields.
fn is_empty(schema: &RefOr<Schema>) -> bool {
    matches!(schema, RefOr::T(Schema::Object(object)) if object.properties.is_empty())
}

/// The query parameters of a `GET`: one per property of its argument struct.
fn parameters(schema: &RefOr<Schema>) -> Vec<utoipa::openapi::path::Parameter> {
    let RefOr::T(Schema::Object(object)) = schema else {
        return Vec::new();
    };
    object
        .properties
        .iter()
        .map(|(name, property)| {
            let required = object.required.contains(name);
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(if required {
                    Required::True
                } else {
                    Required::False
                })
                .schema(Some(bounded(name, property.clone())))
                .build()
        })
        .collect()
}

fn json(schema: RefOr<Schema>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

fn error_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            json(Ref::from_schema_name("AppError").into()),
        )
        .build()
}

/// The statuses a doc comment's `Errors:` paragraph names, each with its
/// explanation: `Errors: 401 wrong password; 429 locked.`
fn listed_errors(description: &str) -> Vec<(String, String)> {
    let Some(errors) = description
        .split("\n\n")
        .find_map(|p| p.trim().strip_prefix("Errors:"))
    else {
        return Vec::new();
    };
    errors
        .split(';')
        .filter_map(|item| {
            let item = item.trim().trim_end_matches('.');
            let status = item.get(..3)?;
            (status.bytes().all(|b| b.is_ascii_digit())
                && !item[3..].starts_with(|c: char| c.is_ascii_digit()))
            .then(|| {
                let explanation = item[3..].trim();
                let explanation = if explanation.is_empty() {
                    item
                } else {
                    explanation
                };
                (status.to_owned(), explanation.to_owned())
            })
        })
        .collect()
}

fn operation(entry: &Entry, method: &http::Method) -> Operation {
    let (summary, description) = described(&entry.input);
    let tag = entry
        .path
        .trim_start_matches("/api/")
        .split('/')
        .next()
        .unwrap_or("api");
    let mut builder = OperationBuilder::new()
        .summary(Some(summary))
        .description(description.clone())
        .tag(tag)
        .operation_id(Some(
            entry.path.trim_start_matches("/api/").replace('/', "_"),
        ))
        .securities(Some(entry.access.security()))
        .response(
            "200",
            ResponseBuilder::new()
                .description("The answer.")
                .content("application/json", json(entry.output.clone())),
        )
        .response("400", error_response("The request could not be read."))
        .response(
            "422",
            error_response("Invalid fields, each named with what is allowed."),
        )
        .response("503", error_response("The database cannot be reached."));
    for (status, description) in entry.access.statuses() {
        builder = builder.response(*status, error_response(description));
    }
    for (status, description) in listed_errors(description.as_deref().unwrap_or_default()) {
        builder = builder.response(status, error_response(&description));
    }
    if entry.access != Access::Anyone {
        builder = builder
            .response(
                "404",
                error_response("Not found, or not visible to the caller."),
            )
            .response("409", error_response("In conflict with what is stored."));
    }
    if method == http::Method::GET {
        builder = builder.parameters(Some(parameters(&entry.input)));
    } else if !is_empty(&entry.input) {
        builder = builder.request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "application/json",
                    json(with_note_rule(&with_ward_scope_rule(&entry.input))),
                )
                .build(),
        ));
    }
    let mut operation = builder.build();
    operation.extensions = Some(
        utoipa::openapi::extensions::ExtensionsBuilder::new()
            .add("x-access", entry.access.code())
            .build(),
    );
    operation
}

/// Arguments that give an account or token its wards say what the service
/// checks across the two fields: every ward, or at least one ward.
fn with_ward_scope_rule(input: &RefOr<Schema>) -> RefOr<Schema> {
    use utoipa::openapi::schema::{AllOfBuilder, AnyOfBuilder, ArrayBuilder, ObjectBuilder, Type};
    let RefOr::T(Schema::Object(object)) = input else {
        return input.clone();
    };
    if !object.properties.contains_key("all_wards") || !object.properties.contains_key("ward_ids") {
        return input.clone();
    }
    let every_ward = ObjectBuilder::new()
        .property(
            "all_wards",
            ObjectBuilder::new()
                .schema_type(Type::Boolean)
                .enum_values(Some([true])),
        )
        .required("all_wards");
    let some_wards = ObjectBuilder::new()
        .property(
            "ward_ids",
            ArrayBuilder::new().items(i32::schema()).min_items(Some(1)),
        )
        .required("ward_ids");
    let either = AnyOfBuilder::new().item(every_ward).item(some_wards);
    AllOfBuilder::new().item(input.clone()).item(either).into()
}

/// An acknowledgement whose response is `other` needs a note saying what
/// was done, as the service checks.
fn with_note_rule(input: &RefOr<Schema>) -> RefOr<Schema> {
    use crate::notifications::AlertResponse;
    use crate::vocabulary::{IntoEnumIterator, Vocabulary};
    use utoipa::openapi::schema::{AllOfBuilder, AnyOfBuilder, ObjectBuilder, Type};
    let RefOr::T(Schema::Object(object)) = input else {
        return input.clone();
    };
    if !object.properties.contains_key("response") || !object.properties.contains_key("note") {
        return input.clone();
    }
    let named = |responses: Vec<&'static str>| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(responses))
    };
    let without_note = ObjectBuilder::new().property(
        "response",
        named(
            AlertResponse::iter()
                .filter(|r| *r != AlertResponse::Other)
                .map(|r| r.code())
                .collect(),
        ),
    );
    let other_with_note = ObjectBuilder::new()
        .property("response", named(vec![AlertResponse::Other.code()]))
        .property(
            "note",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(crate::wire::FILLED_PATTERN)),
        )
        .required("note");
    let either = AnyOfBuilder::new().item(without_note).item(other_with_note);
    AllOfBuilder::new().item(input.clone()).item(either).into()
}

/// The REST surface as an OpenAPI 3.1 document.
pub fn document() -> OpenApi {
    let registered = registered();
    let mut paths = PathsBuilder::new();
    // The items of generic pages are not collected by their page's schema.
    let mut schemas = Vec::new();
    AppError::schemas(&mut schemas);
    for (name, schema) in [
        ("AuditEntry", crate::accounts::AuditEntry::schema()),
        ("HistoryEntry", crate::history::HistoryEntry::schema()),
        ("Patient", crate::patients::Patient::schema()),
        ("Round", crate::rounds::Round::schema()),
    ] {
        schemas.push((name.to_owned(), schema));
    }
    crate::patients::Patient::schemas(&mut schemas);
    crate::rounds::Round::schemas(&mut schemas);
    let mut components = ComponentsBuilder::new()
        .schema("AppError", AppError::schema())
        .schemas_from_iter(schemas)
        .security_scheme(
            BEARER,
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        )
        .security_scheme(
            SESSION,
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(
                utoipa::openapi::security::ApiKeyValue::new("vitalboard_session"),
            )),
        );
    for entry in entries() {
        let method = registered
            .get(entry.path)
            .cloned()
            .unwrap_or(http::Method::POST);
        let http_method = if method == http::Method::GET {
            HttpMethod::Get
        } else {
            HttpMethod::Post
        };
        paths = paths.path(
            entry.path,
            PathItem::new(http_method, operation(&entry, &method)),
        );
        for (name, schema) in entry.schemas {
            components = components.schema(name, schema);
        }
    }
    let mut doc = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("vitalboard")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Live monitoring of ward patients. Programs authenticate with a bearer token; \
                     browsers with the session cookie. Patient data is limited to the caller's wards. \
                     Reads are GET with arguments in the query; writes are POST with a JSON object \
                     as the body (the same fields as a form, `application/x-www-form-urlencoded`, \
                     as the pages send them).",
                )),
        )
        .paths(paths.build())
        .components(Some(components.build()))
        .build();
    doc.merge(<crate::system::health::Routes as utoipa::OpenApi>::openapi());
    doc
}

/// Each operation's path, method and access, as the document says them.
pub fn operations(doc: &OpenApi) -> Vec<(String, &'static str, Option<String>)> {
    let mut found = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (method, operation) in [("GET", &item.get), ("POST", &item.post)] {
            if let Some(operation) = operation {
                let access = operation
                    .extensions
                    .as_ref()
                    .and_then(|e| e.get("x-access"))
                    .and_then(|v| v.as_str())
                    .map(str::to_owned);
                found.push((path.clone(), method, access));
            }
        }
    }
    found
}

/// `value` with every `$ref` to a component replaced by that component,
/// `depth` levels deep.
fn resolved(
    value: &serde_json::Value,
    schemas: &serde_json::Value,
    depth: usize,
) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                && depth > 0
            {
                return resolved(&schemas[name], schemas, depth - 1);
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), resolved(v, schemas, depth)))
                    .collect(),
            )
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| resolved(v, schemas, depth)).collect())
        }
        other => other.clone(),
    }
}
/// The JSON Schema of an operation's arguments: its query parameters as
/// one object for a `GET`, its body for a `POST`; none when it takes none.
fn arguments_schema(method: &str, operation: &Value) -> Option<Value> {
    if method != "get" {
        let body = &operation["requestBody"]["content"]["application/json"]["schema"];
        return (!body.is_null()).then(|| body.clone());
    }
    let parameters = operation["parameters"].as_array()?;
    let properties: serde_json::Map<String, Value> = parameters
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_owned(),
                p["schema"].clone(),
            )
        })
        .collect();
    let required: Vec<&Value> = parameters
        .iter()
        .filter(|p| p["required"] == true)
        .map(|p| &p["name"])
        .collect();
    (!properties.is_empty())
        .then(|| json!({ "type": "object", "properties": properties, "required": required }))
}

/// The JSON Schema of a socket request: for each stream and action, the
/// arguments of its REST twin as the document has them, or of a
/// subscription.
fn socket_request(value: &Value) -> Value {
    let subscription = serde_json::to_value(SubscriptionArgs::schema()).unwrap_or_default();
    let mut choices = Vec::new();
    for stream in Stream::iter() {
        let subscriptions = [Action::Subscribe, Action::Unsubscribe];
        for &action in stream.actions().iter().chain(&subscriptions) {
            let arguments = match action.rest_path(stream) {
                Some(path) => value["paths"][&path]
                    .as_object()
                    .and_then(|item| item.iter().find_map(|(m, o)| arguments_schema(m, o)))
                    .unwrap_or_else(|| json!({ "type": "object" })),
                None => subscription.clone(),
            };
            choices.push(json!({
                "title": format!("{} {}", stream.code(), action.code()),
                "type": "object",
                "required": ["stream", "payload"],
                "properties": {
                    "stream": { "const": stream.code() },
                    "payload": { "allOf": [arguments, {
                        "type": "object",
                        "required": ["action"],
                        "properties": {
                            "action": { "const": action.code() },
                            "request_id": {
                                "description": "Echoed in the reply; a write sent again with the same id gets the first answer."
                            }
                        }
                    }] }
                }
            }));
        }
    }
    json!({ "oneOf": choices })
}

/// The JSON Schema of every frame the server sends on the socket.
fn socket_frames() -> Value {
    let mut components = Vec::new();
    Frame::schemas(&mut components);
    let components: serde_json::Map<String, Value> = components
        .into_iter()
        .map(|(name, schema)| (name, serde_json::to_value(schema).unwrap_or_default()))
        .collect();
    let frame = serde_json::to_value(Frame::schema()).unwrap_or_default();
    resolved(&frame, &Value::Object(components), 4)
}

/// The document as the API page shows it: each operation with its
/// arguments and answer spelled out.
pub fn reference(doc: &OpenApi) -> Reference {
    let value = serde_json::to_value(doc).unwrap_or_default();
    let schemas = &value["components"]["schemas"];
    let pretty =
        |v: &Value| serde_json::to_string_pretty(&resolved(v, schemas, 4)).unwrap_or_default();
    let mut operations = Vec::new();
    for (path, item) in value["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            operations.push(OperationDoc {
                method: method.to_uppercase(),
                path: path.clone(),
                summary: operation["summary"].as_str().unwrap_or_default().to_owned(),
                description: operation["description"].as_str().map(str::to_owned),
                access: operation["x-access"]
                    .as_str()
                    .and_then(Access::parse)
                    .map_or("signed-in users", Access::label)
                    .to_owned(),
                input: arguments_schema(method, operation).map(|a| pretty(&a)),
                output: pretty(
                    &operation["responses"]["200"]["content"]["application/json"]["schema"],
                ),
            });
        }
    }
    Reference {
        operations,
        socket: SocketDoc {
            requests: socket_request(&value)["oneOf"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|choice| SocketRequestDoc {
                    name: choice["title"].as_str().unwrap_or_default().to_owned(),
                    schema: pretty(choice),
                })
                .collect(),
            frames: serde_json::to_string_pretty(&socket_frames()).unwrap_or_default(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_socket_requests_take_their_rest_twins_arguments() {
        let doc = serde_json::to_value(document()).unwrap();
        let request = socket_request(&doc);
        let choices = request["oneOf"].as_array().unwrap();
        let expected: usize = Stream::iter().map(|s| s.actions().len() + 2).sum();
        assert_eq!(choices.len(), expected);
        let correct = choices
            .iter()
            .find(|c| c["title"] == "rounds correct")
            .expect("rounds correct");
        let arguments = &correct["properties"]["payload"]["allOf"][0];
        for field in ["id", "reason", "round"] {
            assert!(
                arguments["properties"][field].is_object(),
                "{field}: {arguments}"
            );
        }
        let list = choices
            .iter()
            .find(|c| c["title"] == "rounds list")
            .unwrap();
        let query = &list["properties"]["payload"]["allOf"][0];
        assert!(query["properties"]["patient_id"].is_object(), "{query}");
        assert_eq!(query["required"], json!(["patient_id"]));
        let subscribe = choices
            .iter()
            .find(|c| c["title"] == "presence subscribe")
            .unwrap();
        assert!(subscribe["properties"]["payload"]["allOf"][0]["properties"]["since"].is_object());
    }

    #[test]
    fn the_socket_frames_are_described() {
        let frames = socket_frames().to_string();
        for kind in ["welcome", "reply", "event", "presence", "resync"] {
            assert!(frames.contains(&format!("\"{kind}\"")), "{kind}: {frames}");
        }
        assert!(!frames.contains("$ref"), "{frames}");
    }

    #[test]
    fn describes_every_server_function_and_nothing_else() {
        let doc = document();
        let described: BTreeMap<String, &str> = operations(&doc)
            .into_iter()
            .filter(|(path, _, _)| path.starts_with("/api/"))
            .map(|(path, method, _)| (path, method))
            .collect();
        let registered: BTreeMap<String, &str> = registered()
            .into_iter()
            .map(|(path, method)| {
                let method = if method == http::Method::GET {
                    "GET"
                } else {
                    "POST"
                };
                (path.to_owned(), method)
            })
            .collect();
        assert!(!registered.is_empty());
        assert_eq!(described, registered);
    }

    #[test]
    fn every_operation_has_a_summary_and_an_answer() {
        let doc = document();
        for (path, item) in &doc.paths.paths {
            for operation in [&item.get, &item.post].into_iter().flatten() {
                assert!(
                    operation.summary.as_deref().is_some_and(|s| !s.is_empty()),
                    "{path} has no summary"
                );
                assert!(operation.responses.responses.contains_key("200"), "{path}");
            }
        }
    }

    #[test]
    fn the_errors_a_doc_comment_lists_are_documented() {
        assert_eq!(
            listed_errors("More.\n\nErrors: 401 wrong password; 403; 429 locked."),
            [
                ("401".to_owned(), "wrong password".to_owned()),
                ("403".to_owned(), "403".to_owned()),
                ("429".to_owned(), "locked".to_owned()),
            ]
        );
        let doc = document();
        let login = doc.paths.paths["/api/auth/login"].post.as_ref().unwrap();
        assert!(login.responses.responses.contains_key("429"));
        assert!(login.responses.responses.contains_key("401"));
    }

    #[test]
    fn every_reference_resolves() {
        let text = serde_json::to_string(&document()).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for reference in text.split("\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(schemas.contains_key(name), "no schema {name}");
        }
    }
}
