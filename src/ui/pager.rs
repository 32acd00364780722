//! Previous / next links under a paged list.

use leptos::prelude::*;
use leptos_router::components::A;

/// "`total` `noun` · page `page` of `pages`" with links to the pages either
/// side; `link` makes the address of a page.
#[component]
pub fn Pager(
    total: u64,
    page: u64,
    pages: u64,
    noun: &'static str,
    link: impl Fn(u64) -> String + 'static,
) -> impl IntoView {
    view! {
        <nav class="pager" aria-label=format!("Pages of {noun}")>
            <span class="muted">{format!("{total} {noun} · page {page} of {pages}")}</span>
            {(page > 1).then(|| view! { <A href=link(page - 1)>"← Previous"</A> })}
            {(page < pages).then(|| view! { <A href=link(page + 1)>"Next →"</A> })}
        </nav>
    }
}
