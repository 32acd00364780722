//! Server functions of accounts: sign-in, the signed-in user, and the
//! administration of users, wards and API tokens.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    ApiToken, AuditEntry, CreatedToken, CurrentUser, DisplayName, NewPassword, Role, SignInName,
    SignInPassword, TokenName, UserAccount, Username, Ward, WardName,
};
#[cfg(feature = "ssr")]
use super::{auth, tokens, users, wards};
use crate::error::AppError;
use crate::paging::Page;

/// Where to go after signing in: only a path on this site. Anything a
/// browser could read as another site (a second slash, a backslash, a
/// scheme, or a control or space character it would drop) becomes `/`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(|c| c.is_control() || c.is_whitespace())
                && !path.split(['?', '#']).next().unwrap_or(path).contains(':') =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Signs in and sets the session cookie. After 5 failures within 15 minutes a username is locked for 15 minutes.
///
/// Errors: 401 wrong username or password (one message for both); 403 account deactivated; 422 empty field; 429 locked.
#[server(prefix = "/api", endpoint = "auth/login", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn login(
    username: SignInName,
    password: SignInPassword,
    #[server(default)] next: Option<String>,
) -> Result<CurrentUser, AppError> {
    let mut session = auth::current_session()?;
    let state = crate::platform::state::AppState::current()?;
    let client = crate::platform::client::address(&auth::request_parts()?, &state.trusted_proxies);
    let user = session
        .authenticate(auth::Credentials {
            username: username.0,
            password: password.0,
            client,
        })
        .await
        .map_err(auth::session_error)?
        .ok_or_else(|| AppError::Unauthorized(super::sign_in::WRONG_CREDENTIALS.into()))?;
    session.login(&user).await.map_err(auth::session_error)?;
    auth::redirect_form_post(&safe_next(next.as_deref()));
    Ok(user.current)
}

/// Ends the session.
#[server(prefix = "/api", endpoint = "auth/logout", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn logout() -> Result<(), AppError> {
    let mut session = auth::current_session()?;
    let user_id = session.user.as_ref().map(|u| u.current.id);
    session.logout().await.map_err(auth::session_error)?;
    if let Some(id) = user_id {
        let state = crate::platform::state::AppState::current()?;
        super::access::signed_out(&state.db, id).await?;
    }
    auth::redirect_form_post("/login");
    Ok(())
}

/// The signed-in user, or null.
#[server(prefix = "/api", endpoint = "auth/me", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    Ok(auth::current_session()?.user.map(|u| u.current))
}

/// Changes the signed-in user's own password.
///
/// Errors: 401 not signed in; 403 API tokens; 422 wrong current password or new one too short.
#[server(prefix = "/api", endpoint = "auth/password", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn change_password(
    current_password: SignInPassword,
    new_password: NewPassword,
) -> Result<(), AppError> {
    let (state, caller) = auth::current_caller().await?;
    users::change_own_password(&state.db, &caller, current_password.0, new_password.0).await?;
    // The new password ends the user's other sessions; this one goes on.
    let mut session = auth::current_session()?;
    if let Some(user) = users::session_user(&state.db, caller.user_id().unwrap_or_default()).await?
    {
        session.login(&user).await.map_err(auth::session_error)?;
    }
    Ok(())
}

/// The wards the caller may see.
///
/// Errors: 401 not signed in or token not valid.
#[server(prefix = "/api", endpoint = "wards", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn list_wards() -> Result<Vec<Ward>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    wards::list_wards(&state.db, &caller).await
}

/// Adds a ward.
///
/// Errors: 401; 403; 409 name taken; 422 name empty or over 80 characters.
#[server(prefix = "/api", endpoint = "wards/create", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn create_ward(name: WardName) -> Result<Ward, AppError> {
    let (state, caller) = auth::current_caller().await?;
    wards::create_ward(&state.db, &caller, &name).await
}

/// Renames a ward.
///
/// Errors: 401; 403; 404; 409 name taken; 422.
#[server(prefix = "/api", endpoint = "wards/rename", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn rename_ward(id: i32, name: WardName) -> Result<Ward, AppError> {
    let (state, caller) = auth::current_caller().await?;
    wards::rename_ward(&state.db, &caller, id, &name).await
}

/// Every user account.
///
/// Errors: 401; 403.
#[server(prefix = "/api", endpoint = "users", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn list_users() -> Result<Vec<UserAccount>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    users::list_users(&state.db, &caller).await
}

/// Creates a user account. Usernames are unique regardless of case.
///
/// Errors: 401; 403; 409 username taken; 422 naming each invalid field (username: 1-64 of a-z 0-9 . _ -; password: 10-256 characters; ward_ids: existing wards, at least one unless all_wards).
#[server(prefix = "/api", endpoint = "users/create", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn create_user(
    username: Username,
    display_name: DisplayName,
    role: Role,
    #[server(default)] all_wards: bool,
    #[server(default)] ward_ids: Vec<i32>,
    password: NewPassword,
) -> Result<UserAccount, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let new = users::NewUser {
        username: username.0,
        display_name: display_name.0,
        role,
        all_wards,
        ward_ids,
        password: password.0,
    };
    users::create_user(&state.db, &caller, new).await
}

/// Changes a user's name, role and wards.
///
/// Errors: 401; 403; 404; 422.
#[server(prefix = "/api", endpoint = "users/update", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn update_user(
    id: i32,
    display_name: DisplayName,
    role: Role,
    #[server(default)] all_wards: bool,
    #[server(default)] ward_ids: Vec<i32>,
) -> Result<UserAccount, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let changes = users::UserChanges {
        id,
        display_name: display_name.0,
        role,
        all_wards,
        ward_ids,
    };
    users::update_user(&state.db, &caller, changes).await
}

/// Deactivates or reactivates an account; a deactivated user's sessions end at once.
///
/// Errors: 401; 403; 404; 422 deactivating yourself.
#[server(prefix = "/api", endpoint = "users/set-active", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn set_user_active(id: i32, active: bool) -> Result<UserAccount, AppError> {
    let (state, caller) = auth::current_caller().await?;
    users::set_user_active(&state.db, &caller, id, active).await
}

/// Sets a new password for a user; their sessions end.
///
/// Errors: 401; 403; 404; 422.
#[server(prefix = "/api", endpoint = "users/reset-password", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn reset_password(id: i32, password: NewPassword) -> Result<(), AppError> {
    let (state, caller) = auth::current_caller().await?;
    users::reset_password(&state.db, &caller, id, password.0).await
}

/// The administration log, newest first: every user, ward and API token created or changed, with who did it and when. Query: page (from 1), per_page (1-500, default 50).
///
/// Errors: 401; 403; 422 bad paging.
#[server(prefix = "/api", endpoint = "audit", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn admin_log(
    #[server(default)] page: Option<u64>,
    #[server(default)] per_page: Option<u64>,
) -> Result<Page<AuditEntry>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    super::audit::list(&state.db, &caller, page, per_page).await
}

/// Every API token, newest first, without secrets.
///
/// Errors: 401; 403.
#[server(prefix = "/api", endpoint = "tokens", input = GetUrl, input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn list_tokens() -> Result<Vec<ApiToken>, AppError> {
    let (state, caller) = auth::current_caller().await?;
    tokens::list_tokens(&state.db, &caller).await
}

/// Creates an API token. The secret is in this answer only; it is stored hashed.
///
/// Errors: 401; 403; 422.
#[server(prefix = "/api", endpoint = "tokens/create", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn create_token(
    name: TokenName,
    role: Role,
    #[server(default)] all_wards: bool,
    #[server(default)] ward_ids: Vec<i32>,
) -> Result<CreatedToken, AppError> {
    let (state, caller) = auth::current_caller().await?;
    let new = tokens::NewToken {
        name: name.0,
        role,
        all_wards,
        ward_ids,
    };
    tokens::create_token(&state.db, &caller, new).await
}

/// Revokes an API token at once.
///
/// Errors: 401; 403; 404.
#[server(prefix = "/api", endpoint = "tokens/revoke", input_derive = (Clone, Serialize, Deserialize, ToSchema))]
pub async fn revoke_token(id: i32) -> Result<ApiToken, AppError> {
    let (state, caller) = auth::current_caller().await?;
    tokens::revoke_token(&state.db, &caller, id).await
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/patients?q=1")), "/patients?q=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/ /evil.example")), "/");
        assert_eq!(safe_next(Some("/%09/evil.example")), "/%09/evil.example");
        assert_eq!(safe_next(Some("/javascript:alert(1)")), "/");
        assert_eq!(safe_next(Some("/patients?at=10:00")), "/patients?at=10:00");
        assert_eq!(safe_next(Some("evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
