//! Paged lists (`x-ms-pageable`), on `azure_core`'s own pager.
//!
//! A paged operation's method returns a [`Pager`]: a stream of the items of every page, that
//! fetches the next page only once the items of the current one are used up. [`Pager::into_pages`]
//! gives a [`PageIterator`], a stream of whole pages; [`Pager::continuation`] and
//! [`PageIterator::continuation`] say where to resume, through the method's
//! `PagerOptions::continuation`. These are `azure_core::http::pager::{ItemIterator, PageIterator}`
//! underneath, wrapped so that their traps never reach a caller:
//!
//! - Their streams yield `azure_core::Error`; these yield this crate's [`Error`] (the service's
//!   error contract, typed decode errors), as every other call does.
//! - `ItemIterator::into_pages` on a finished iterator starts the listing again from its first
//!   page, and its `continuation` changes as the finished stream is polled again; here a finished
//!   pager gives no more pages, and its continuation stays where it ended.
//! - `ItemIterator` reports itself terminated (`FusedStream`) while the last page still has
//!   items to yield, so `futures::select!` would drop them; these types are not `FusedStream`:
//!   call `.fuse()`.
//! - Nothing guards against a service that links back to a page already read (it would be
//!   followed forever), or that links to another host (the token would go with it), or against
//!   a continuation that is not a URL (`azure_core` leaves that to the callback; Key Vault's
//!   client `expect`s it). Here the link of each next page must be an `https` URL on the client's
//!   endpoint origin, and a link to a page the pager has already read ends the stream with an
//!   error instead of looping.

use super::client::ClientCore;
use super::error::{Error, Result};
use super::error_body::ErrorContract;
use super::response::{Response, json_model};
use super::tracing::CallSpan;
use azure_core::http::pager::{
    self as core_pager, PagerContinuation, PagerOptions, PagerResult, PagerState,
};
use azure_core::http::{Context, Method, Request, StatusCode, Url};
use futures_core::Stream;
use serde::de::DeserializeOwned;
use std::collections::HashSet;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Poll, ready};

/// One page of a paged list: a generated list model (`...ListResult`) implements it, naming
/// the property that holds the items and the one that holds the next page's link.
pub trait Page: DeserializeOwned + Send + 'static {
    /// What the list holds.
    type Item: Send + 'static;

    /// The link to the next page; `None` (or an empty link) on the last page. Lists that the
    /// service returns in one page have no link.
    fn next_link(&self) -> Option<&str> {
        None
    }

    /// The items of this page.
    fn into_items(self) -> Vec<Self::Item>;
}

/// The items of a paged list, page after page: a [`Stream`] of `Result<Item>`.
///
/// Nothing is sent until the stream is polled; each page is fetched when the items of the one
/// before are used up, so counting or filtering a long list holds one page at a time. A failed
/// request, or a page that cannot be decoded, is yielded as an error, and then the stream ends.
/// With `futures::TryStreamExt`:
///
/// ```no_run
/// # use azure_mgmt::{Page, Pager};
/// # async fn example<P: Page>(mut pager: Pager<P>) -> azure_mgmt::Result<()>
/// # where P::Item: std::fmt::Debug {
/// use futures::TryStreamExt;
///
/// while let Some(item) = pager.try_next().await? {
///     println!("{item:?}");
/// }
/// # Ok(()) }
/// ```
///
/// To resume later (after an error, or in another process), keep [`continuation`](Self::continuation)
/// and pass it back as `method_options.continuation` in the method's options: the listing then
/// starts again at the page the pager was on, so no item is skipped.
///
/// A page's link to the next page is followed only when it is an `https` URL on the client's
/// endpoint origin (the bearer token goes with every request), and keeps the query the service
/// put in it; the operation's `api-version` is added only to a link that has none. A link to a
/// page the pager has already read is an error, not a loop.
pub struct Pager<P: Page> {
    items: core_pager::ItemIterator<Response<P>>,
    end: End,
    span: Arc<CallSpan>,
}

/// The pages of a paged list: a [`Stream`] of `Result<Response<P>>`, each page with its status
/// and headers. Made by [`Pager::into_pages`]; the rules of [`Pager`] apply.
pub struct PageIterator<P: Page> {
    pages: core_pager::PageIterator<Response<P>>,
    end: End,
    span: Arc<CallSpan>,
}

/// Whether a stream has ended, and where it could resume.
#[derive(Clone, Debug, PartialEq)]
enum End {
    /// Still going.
    No,
    /// The last page was read.
    Complete,
    /// A request or a page failed: resuming from here fetches that page again.
    Failed(Option<PagerContinuation>),
}

impl End {
    fn continuation(&self) -> Option<&PagerContinuation> {
        match self {
            End::Failed(at) => at.as_ref(),
            _ => None,
        }
    }
}

impl<P: Page> Pager<P> {
    pub(crate) fn new(
        core: ClientCore,
        span: CallSpan,
        request: Request,
        statuses: &'static [u16],
        api_version: Option<&'static str>,
        errors: &'static ErrorContract,
        options: PagerOptions<'_>,
    ) -> Self {
        let span = Arc::new(span);
        let fetcher = Arc::new(Fetcher {
            core,
            span: Arc::clone(&span),
            first: request,
            statuses,
            api_version,
            errors,
            links: Mutex::new(Links::default()),
        });
        let options = PagerOptions {
            context: options.context.into_owned(),
            continuation: options.continuation,
        };
        let items = core_pager::ItemIterator::new(
            move |state, options: PagerOptions<'static>| {
                let fetcher = Arc::clone(&fetcher);
                Box::pin(async move {
                    fetcher
                        .fetch::<P>(state, &options.context)
                        .await
                        .map_err(into_core)
                })
            },
            Some(options),
        );
        Self {
            items,
            end: End::No,
            span,
        }
    }

    /// Where to resume the listing: the link of the page whose items are being yielded (or,
    /// after an error, of the page that failed). `None` before the first page is read (resuming
    /// then starts from the first page) and once the list is complete.
    pub fn continuation(&self) -> Option<&PagerContinuation> {
        match self.end {
            End::No => self.items.continuation(),
            _ => self.end.continuation(),
        }
    }

    /// [`continuation`](Self::continuation), by value.
    pub fn into_continuation(self) -> Option<PagerContinuation> {
        self.continuation().cloned()
    }

    /// The rest of the list as whole pages, starting again at the page whose items are being
    /// yielded (so none is skipped). Once the pager has ended, it gives no page.
    pub fn into_pages(self) -> PageIterator<P> {
        PageIterator {
            pages: self.items.into_pages(),
            end: self.end,
            span: self.span,
        }
    }
}

impl<P: Page> PageIterator<P> {
    /// Where to resume the listing: the link of the next page to fetch (or, after an error, of
    /// the page that failed). `None` before the first page is read and once the list is
    /// complete.
    pub fn continuation(&self) -> Option<&PagerContinuation> {
        match self.end {
            End::No => self.pages.continuation(),
            _ => self.end.continuation(),
        }
    }

    /// [`continuation`](Self::continuation), by value.
    pub fn into_continuation(self) -> Option<PagerContinuation> {
        self.continuation().cloned()
    }
}

impl<P: Page> Stream for Pager<P> {
    type Item = Result<P::Item>;

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.end != End::No {
            return Poll::Ready(None);
        }
        let next = ready!(Pin::new(&mut this.items).poll_next(cx));
        // Read now: after a failure it is the failed page's link, and `azure_core` forgets it
        // once the ended stream is polled again.
        let at = this.items.continuation().cloned();
        Poll::Ready(this.end.step(next, at, &this.span))
    }
}

impl<P: Page> Stream for PageIterator<P> {
    type Item = Result<Response<P>>;

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.end != End::No {
            return Poll::Ready(None);
        }
        let next = ready!(Pin::new(&mut this.pages).poll_next(cx));
        let at = this.pages.continuation().cloned();
        Poll::Ready(this.end.step(next, at, &this.span))
    }
}

impl End {
    /// Records what the inner stream yielded (`at` is where it stands now) and converts it;
    /// the list's `span` ends with the stream.
    fn step<T>(
        &mut self,
        next: Option<azure_core::Result<T>>,
        at: Option<PagerContinuation>,
        span: &CallSpan,
    ) -> Option<Result<T>> {
        match next {
            Some(Ok(item)) => Some(Ok(item)),
            Some(Err(error)) => {
                *self = End::Failed(at);
                let error = from_core(error);
                span.end(Some(&error));
                Some(Err(error))
            }
            None => {
                *self = End::Complete;
                span.end(None);
                None
            }
        }
    }
}

impl<P: Page> fmt::Debug for Pager<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("ended", &self.end)
            .field("continuation", &self.continuation())
            .finish_non_exhaustive()
    }
}

impl<P: Page> fmt::Debug for PageIterator<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageIterator")
            .field("ended", &self.end)
            .field("continuation", &self.continuation())
            .finish_non_exhaustive()
    }
}

/// What `azure_core`'s item iterator needs of a page: its items.
#[async_trait::async_trait]
impl<P: Page> core_pager::Page for Response<P> {
    type Item = P::Item;
    type IntoIter = std::vec::IntoIter<P::Item>;

    async fn into_items(self) -> azure_core::Result<Self::IntoIter> {
        Ok(self.into_model().into_items().into_iter())
    }
}

/// Fetches one page for `azure_core`'s iterators; shared by every call of their callback.
struct Fetcher {
    core: ClientCore,
    /// The list's span: opened by the first page's request, parent of every page's.
    span: Arc<CallSpan>,
    /// The request of the first page.
    first: Request,
    /// The success statuses of a page.
    statuses: &'static [u16],
    /// The operation's `api-version`, for a next link that has none.
    api_version: Option<&'static str>,
    errors: &'static ErrorContract,
    links: Mutex<Links>,
}

/// What the pages read so far say about links.
#[derive(Default)]
struct Links {
    /// The status of the last page that gave a next link. A continuation is that link (or, after
    /// `into_pages`, the link of a page already read); before any, it is the caller's.
    status: Option<StatusCode>,
    /// The URL of every page fetched.
    fetched: HashSet<Url>,
}

impl Fetcher {
    async fn fetch<P: Page>(
        &self,
        state: PagerState,
        context: &Context<'_>,
    ) -> Result<PagerResult<Response<P>>> {
        let mut request = match state {
            PagerState::Initial => self.first.clone(),
            PagerState::More(continuation) => {
                Request::new(self.follow(&continuation)?, Method::Get)
            }
        };
        self.links().fetched.insert(request.url().clone());
        let context = self.span.context(context);
        let response = self
            .core
            .send(&context, &mut request, self.statuses, self.errors)
            .await?;
        let (status, headers, body) = response.deconstruct();
        let page: P = json_model(status, &body)?;
        let next = match page.next_link().map(str::trim).filter(|l| !l.is_empty()) {
            None => None,
            Some(link) => {
                let Ok(link) = request.url().join(link) else {
                    return Err(Error::decode_body(
                        status,
                        "the next link is not a valid URL",
                        &body,
                    ));
                };
                let mut links = self.links();
                if links.fetched.contains(&self.with_api_version(link.clone())) {
                    return Err(Error::decode_body(
                        status,
                        "the next link leads to a page already read; paging stopped instead of looping",
                        &body,
                    ));
                }
                links.status = Some(status);
                Some(link)
            }
        };
        let response = Response::new(status, headers, page);
        Ok(match next {
            Some(link) => PagerResult::More {
                response,
                continuation: PagerContinuation::Link(link),
            },
            None => PagerResult::Done { response },
        })
    }

    /// The URL to fetch for a continuation: a page's next link, or one the caller gave to resume.
    /// Either must be an `https` URL on the endpoint's origin.
    fn follow(&self, continuation: &PagerContinuation) -> Result<Url> {
        let from_page = self.links().status;
        let what = match from_page {
            Some(_) => "the next link",
            None => "the continuation",
        };
        let refuse = |reason: String| match from_page {
            Some(status) => Error::decode(status, reason),
            None => Error::invalid_parameter("continuation", continuation.as_ref(), reason),
        };
        let base = self.first.url();
        let url = match continuation {
            PagerContinuation::Link(url) => url.clone(),
            other => base
                .join(other.as_ref())
                .map_err(|_| refuse(format!("{what} is not a URL")))?,
        };
        if url.scheme() != "https" {
            return Err(refuse(format!("{what} is not https")));
        }
        if url.origin() != base.origin() {
            return Err(refuse(format!(
                "{what} points at `{}`, another host than the endpoint; the client does not send its token there",
                url.host_str().unwrap_or_default()
            )));
        }
        Ok(self.with_api_version(url))
    }

    /// `url` with the operation's `api-version` appended when it has none: a link keeps the
    /// version the service put in it.
    fn with_api_version(&self, mut url: Url) -> Url {
        if let Some(version) = self.api_version
            && !url.query_pairs().any(|(key, _)| key == "api-version")
        {
            url.query_pairs_mut().append_pair("api-version", version);
        }
        url
    }

    fn links(&self) -> std::sync::MutexGuard<'_, Links> {
        // The lock is never held across an await or a panic-prone call.
        self.links.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// This crate's error, carried through `azure_core`'s iterator.
fn into_core(error: Error) -> azure_core::Error {
    azure_core::Error::new(azure_core::error::ErrorKind::Other, error)
}

/// Back from `azure_core`'s iterator: this crate's error as it was made.
fn from_core(error: azure_core::Error) -> Error {
    error.into_downcast::<Error>().unwrap_or_else(Error::from)
}

#[cfg(test)]
#[path = "pager_tests.rs"]
mod tests;
