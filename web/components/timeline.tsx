import type { ComponentChildren } from 'preact';
import { formatVnDateTime } from '../format';

export interface TimelineEntry {
  key: string;
  at: Date;
  title: string;
  /** Who did it: a person and their unit, or the system (reminders, escalations). */
  by: string;
  children?: ComponentChildren;
}

/** Events of a task in order, oldest first, each with its time (+07:00) and who acted. */
export function Timeline({ entries, label }: { entries: readonly TimelineEntry[]; label: string }) {
  if (!entries.length) return <p class="empty">Chưa có sự kiện nào.</p>;
  return (
    <ol class="timeline" aria-label={label}>
      {entries.map((e) => (
        <li key={e.key} class="timeline__item">
          <h3 class="timeline__title">{e.title}</h3>
          <p class="timeline__meta">
            <time dateTime={e.at.toISOString()}>{formatVnDateTime(e.at)}</time> · {e.by}
          </p>
          {e.children && <div class="timeline__body">{e.children}</div>}
        </li>
      ))}
    </ol>
  );
}
