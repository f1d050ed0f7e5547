//! `/review`: review queues with their progress and "Next call", a form to
//! add one, two calls to compare, and (for admins) the flag reasons and
//! whether viewers may review.

use leptos::prelude::*;
use leptos_meta::Title;

mod compare;
mod share;

pub use compare::ComparePage;
pub use share::SharedCallPage;

use super::LoadError;
use crate::components::FormNotice;
use crate::model::review::{self as review, Queue, QueuesPage as Data};
use crate::server_fns::load_queues;

#[component]
pub fn ReviewPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_queues());
    view! {
        <Title text="Review"/>
        <div class="page-head"><h1>"Review"</h1></div>
        <FormNotice/>
        <Suspense fallback=|| view! { <p class="loading">"Loading the review queues…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! { <Queues data/> }.into_any(),
                    Err(error) => view! { <LoadError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Queues(data: Data) -> impl IntoView {
    let Data {
        queues,
        may_edit,
        may_review,
        reasons,
        admin,
        viewers_review,
        you,
    } = data;
    view! {
        <section aria-labelledby="queues-head">
            <h2 id="queues-head">"Queues"</h2>
            {match queues.is_empty() {
                true => view! {
                    <p class="muted">"No review queues yet. A queue is a search of the calls list with a sampling rule: “every 2nd call with has:tool_error”, say. "
                        {if may_edit { "Add one below." } else { "An editor or admin adds them." }}</p>
                }.into_any(),
                false => view! {
                    <table class="queues">
                        <thead><tr><th>"Queue"</th><th>"Calls"</th><th>"Needs"</th><th>"Progress"</th><th>"For you"</th><th></th></tr></thead>
                        <tbody>{queues.into_iter().map(|q| view! { <QueueRow may_review=may_review && review::is_for(&q.reviewers, &you) q may_edit/> }).collect_view()}</tbody>
                    </table>
                }.into_any(),
            }}
        </section>
        {may_edit.then(|| view! { <NewQueue/> })}
        <section aria-labelledby="compare-head">
            <h2 id="compare-head">"Compare"</h2>
            <form method="get" action="/compare" class="inline">
                <label>"Call A " <input type="text" name="a" required/></label>
                " " <label>"Call B " <input type="text" name="b" required/></label>
                " " <button type="submit" class="button">"Compare"</button>
            </form>
            <form method="get" action="/compare" class="inline">
                <label>"Search A " <input type="text" name="qa" placeholder="agent:v1"/></label>
                " " <label>"Search B " <input type="text" name="qb" placeholder="agent:v2"/></label>
                " " <button type="submit" class="button">"Compare searches"</button>
            </form>
        </section>
        <section aria-labelledby="reasons-head">
            <h2 id="reasons-head">"Flag reasons"</h2>
            <ul class="reasons">
                {reasons.into_iter().map(|r| {
                    let code = r.code.clone();
                    view! {
                        <li>
                            {r.label} " " <code class="muted">{format!("flag:{}", r.code)}</code>
                            {admin.then(|| view! {
                                <form method="post" action="/review/reasons/retire" class="inline">
                                    <input type="hidden" name="code" value=code/>
                                    " " <button type="submit" class="button">"Take off the list"</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {admin.then(|| view! {
                <form method="post" action="/review/reasons" class="inline">
                    <label>"New reason " <input type="text" name="label" maxlength="40" required/></label>
                    " " <button type="submit" class="button">"Add reason"</button>
                </form>
                <form method="post" action="/review/viewers" class="inline">
                    <label class="check"><input type="checkbox" name="allow" value="1" checked=viewers_review/> " Viewers may note, flag and score calls"</label>
                    " " <button type="submit" class="button">"Save"</button>
                </form>
            })}
        </section>
    }
}

#[component]
fn QueueRow(q: Queue, may_edit: bool, may_review: bool) -> impl IntoView {
    let next = format!("/review/queues/{}/next", q.id);
    let delete = format!("/review/queues/{}/delete", q.id);
    let search = format!("/?q={}", crate::model::format::query_path(&q.query));
    let reviewers = match q.reviewers.is_empty() {
        true => String::new(),
        false => format!(" · for {}", q.reviewers.join(", ")),
    };
    view! {
        <tr data-testid="queue" data-queue-id=q.id>
            <td><strong>{q.name.clone()}</strong><br/><a href=search class="muted"><code>{if q.query.is_empty() { "all calls".to_string() } else { q.query.clone() }}</code></a></td>
            <td>{q.sampling.describe()}{reviewers}</td>
            <td>{format!("{} reviewer{}", q.reviews_needed, if q.reviews_needed == 1 { "" } else { "s" })}</td>
            <td data-testid="queue-progress">{format!("{}/{}", q.done, q.total)}</td>
            <td>{if may_review { q.waiting_for_you.to_string() } else { "—".to_string() }}</td>
            <td>
                {may_review.then(|| view! {
                    <form method="post" action=next class="inline">
                        <button type="submit" class="button primary">"Next call"</button>
                    </form>
                })}
                {may_edit.then(|| view! {
                    <form method="post" action=delete class="inline">" " <button type="submit" class="button danger">"Delete"</button></form>
                })}
            </td>
        </tr>
    }
}

#[component]
fn NewQueue() -> impl IntoView {
    view! {
        <section aria-labelledby="new-queue-head">
            <h2 id="new-queue-head">"Add a queue"</h2>
            <form method="post" action="/review/queues" class="stacked">
                <label>"Name " <input type="text" name="name" maxlength="60" required/></label>
                <label>"Calls (the calls list's search) " <input type="text" name="q" class="wide" placeholder="has:tool_error agent:support"/></label>
                <label>"Sampling "
                    <select name="sampling">
                        <option value="all">"every call"</option>
                        <option value="every">"every Nth call"</option>
                        <option value="percent">"N % at random"</option>
                        <option value="per_day">"N a day"</option>
                    </select>
                </label>
                <label>"N " <input type="number" name="n" min="1" max="10000" value="1"/></label>
                <label>"Reviewers each call needs " <input type="number" name="reviews_needed" min="1" max="10" value="1"/></label>
                <label>"For (names, optional) " <input type="text" name="reviewers"/></label>
                <button type="submit" class="button primary">"Add queue"</button>
            </form>
        </section>
    }
}
