import type { InboxItem } from '../../db/repositories/inbox';
import type { SessionUser } from '../../db/repositories/sessions';
import { CheckboxFilter, FilterBar } from '../components/filter-bar';
import { CsrfField, ErrorSummary, type FieldError } from '../components/form';
import { Layout, UnreadCount } from '../components/layout';
import { Pagination } from '../components/table';
import { eventLabel, formatVnDateTime } from '../format';

export interface InboxPageProps {
  user: SessionUser;
  items: readonly InboxItem[];
  total: number;
  unreadCount: number;
  page: number;
  pageSize: number;
  unreadOnly: boolean;
  errors?: readonly FieldError[];
}

const inboxHref = (unreadOnly: boolean, page: number) => {
  const q = new URLSearchParams();
  if (unreadOnly) q.set('unread', 'true');
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `/inbox?${s}` : '/inbox';
};

/** Thông báo: the notifications addressed to the person, newest first, each markable as read. */
export function InboxPage(p: InboxPageProps) {
  return (
    <Layout title="Thông báo" user={p.user} current="inbox" unreadCount={p.unreadCount}>
      <ErrorSummary errors={p.errors ?? []} />
      <h1>Thông báo</h1>
      <p class="lead">{p.unreadCount > 0 ? `Bạn có ${p.unreadCount} thông báo chưa đọc.` : 'Bạn đã đọc hết thông báo.'}</p>
      <FilterBar action="/inbox" resultsId="inbox-results" label="Lọc thông báo">
        <CheckboxFilter name="unread" label="Chỉ hiện thông báo chưa đọc" checked={p.unreadOnly} />
      </FilterBar>
      <section id="inbox-results" aria-label="Danh sách thông báo">
        {p.items.length === 0 ? (
          <p class="empty">{p.unreadOnly ? 'Không có thông báo chưa đọc.' : 'Chưa có thông báo nào.'}</p>
        ) : (
          <ul class="inbox">
            {p.items.map((item) => (
              <InboxEntry key={item.id} item={item} csrfToken={p.user.csrfToken} />
            ))}
          </ul>
        )}
        <Pagination page={p.page} pageSize={p.pageSize} total={p.total} href={(n) => inboxHref(p.unreadOnly, n)} />
      </section>
    </Layout>
  );
}

/**
 * One notification. "Đánh dấu đã đọc" posts a plain form (a redirect back without JavaScript); with
 * htmx the answer is this entry again, swapped in place, plus the header's unread count out of band.
 */
export function InboxEntry({ item, csrfToken }: { item: InboxItem; csrfToken: string }) {
  const unread = item.readAt === null;
  const headingId = `notification-${item.id}`;
  return (
    <li class={`inbox__item${unread ? ' inbox__item--unread' : ''}`} id={`inbox-item-${item.id}`} aria-labelledby={headingId}>
      <h2 class="inbox__subject" id={headingId}>
        {unread && <span class="visually-hidden">Chưa đọc: </span>}
        {item.subject}
      </h2>
      <p class="inbox__meta">
        {eventLabel(item.kind)} · <time dateTime={item.scheduledAt.toISOString()}>{formatVnDateTime(item.scheduledAt)}</time>
        {!unread && item.readAt && <> · Đã đọc lúc {formatVnDateTime(item.readAt)}</>}
      </p>
      <p class="inbox__body">{item.body}</p>
      <div class="inbox__actions">
        <a href={`/tasks/${encodeURIComponent(item.taskId)}`}>Xem nhiệm vụ {item.taskId}</a>
        {unread && (
          <form
            method="post"
            action={`/inbox/${item.id}/read`}
            hx-post={`/inbox/${item.id}/read`}
            hx-target={`#inbox-item-${item.id}`}
            hx-swap="outerHTML"
          >
            <CsrfField token={csrfToken} />
            <button type="submit" class="button button--secondary button--small">
              Đánh dấu đã đọc<span class="visually-hidden">: {item.subject}</span>
            </button>
          </form>
        )}
      </div>
    </li>
  );
}

/** What htmx swaps in after marking read: the entry, and the header's count out of band. */
export function InboxEntryRead({ item, csrfToken, unreadCount }: { item: InboxItem; csrfToken: string; unreadCount: number }) {
  return (
    <>
      <InboxEntry item={item} csrfToken={csrfToken} />
      <UnreadCount count={unreadCount} oob />
    </>
  );
}
