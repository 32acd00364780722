//! Server function of the API page.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Reference;
use crate::error::AppError;

/// Every operation of the REST surface with its arguments and answer, as the API page shows them (the same as `/api/openapi.json`).
#[server(prefix = "/api", endpoint = "reference", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn api_reference() -> Result<Reference, AppError> {
    Ok(super::openapi::reference(&super::openapi::document()))
}
