//! Previous / next links under a paged list.

use leptos::prelude::*;
use leptos_router::components::A;

/// "`total` `noun` · page `page` of `pages`" with links to the pages either
/// side; `one` is the noun for a total of one, `link` makes the address of
/// a page.
#[component]
pub fn Pager(
    total: u64,
    page: u64,
    pages: u64,
    noun: &'static str,
    one: &'static str,
    link: impl Fn(u64) -> String + 'static,
) -> impl IntoView {
    view! {
        <nav class="pager" aria-label=format!("Pages of {noun}")>
            <span class="muted">{format!("{} · page {page} of {pages}", counted(total, one, noun))}</span>
            {(page > 1).then(|| view! { <A href=link(page - 1)>"← Previous"</A> })}
            {(page < pages).then(|| view! { <A href=link(page + 1)>"Next →"</A> })}
        </nav>
    }
}

/// `1 patient`, `2 patients`, `0 patients`.
fn counted(total: u64, one: &str, many: &str) -> String {
    format!("{total} {}", if total == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn one_of_a_kind_is_singular() {
        assert_eq!(counted(1, "entry", "entries"), "1 entry");
        assert_eq!(counted(0, "entry", "entries"), "0 entries");
        assert_eq!(counted(26, "round", "rounds"), "26 rounds");
    }
}
