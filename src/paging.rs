//! Pages of long lists.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{AppError, FieldError};

/// One page of a list, with the total for paging.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    /// How many pages there are.
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }

    /// The same page with each item converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

/// Page `page` (from 1) of `per_page` rows of an ordered query, with the total.
#[cfg(feature = "ssr")]
pub async fn fetch_page<'db, Q>(
    query: Q,
    db: &'db sea_orm::DatabaseConnection,
    page: u64,
    per_page: u64,
) -> Result<Page<<Q::Selector as sea_orm::SelectorTrait>::Item>, AppError>
where
    Q: sea_orm::PaginatorTrait<'db, sea_orm::DatabaseConnection>,
{
    let paginator = query.paginate(db, per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page - 1).await?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// The largest page a list returns.
pub const MAX_PER_PAGE: u64 = 500;

/// The last page a list can be asked for.
pub const MAX_PAGE: u64 = 1_000_000;

/// Checks paging arguments: pages count from 1 to 1,000,000; 1–500 rows a page.
pub fn paging(
    page: Option<u64>,
    per_page: Option<u64>,
    default: u64,
) -> Result<(u64, u64), AppError> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(default);
    let mut errors = Vec::new();
    if page == 0 || page > MAX_PAGE {
        errors.push(FieldError::new(
            "page",
            format!("must be between 1 and {MAX_PAGE}"),
        ));
    }
    if per_page == 0 || per_page > MAX_PER_PAGE {
        errors.push(FieldError::new(
            "per_page",
            format!("must be between 1 and {MAX_PER_PAGE}"),
        ));
    }
    if errors.is_empty() {
        Ok((page, per_page))
    } else {
        Err(AppError::Invalid(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_bounds() {
        assert_eq!(paging(None, None, 25).unwrap(), (1, 25));
        assert!(paging(Some(0), None, 25).is_err());
        assert!(paging(Some(u64::MAX), None, 25).is_err());
        assert!(paging(None, Some(501), 25).is_err());
    }

    #[test]
    fn page_count() {
        let page = |total| Page::<()> {
            items: vec![],
            total,
            page: 1,
            per_page: 25,
        };
        assert_eq!(page(0).pages(), 1);
        assert_eq!(page(25).pages(), 1);
        assert_eq!(page(26).pages(), 2);
    }
}
