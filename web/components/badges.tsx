import type { WorkingCalendar } from '../../domain/calendar';
import { deadlineDistance, formatVnDate, statusLabel } from '../format';

const STATUS_TONES: Record<string, string> = {
  assigned: 'blue',
  acknowledged: 'blue',
  in_progress: 'blue',
  submitted: 'purple',
  returned: 'orange',
  completed: 'green',
  cancelled: 'grey',
};

/** A task's status in words, coloured by what it asks of people (the words carry the meaning, not the colour). */
export function StatusBadge({ status }: { status: string }) {
  return <strong class={`tag tag--${STATUS_TONES[status] ?? 'grey'}`}>{statusLabel(status)}</strong>;
}

/** The deadline and how far it is: "còn 3 ngày làm việc", "quá hạn 5 ngày". */
export function DeadlineBadge({
  dueAt,
  status,
  now,
  calendar,
}: {
  dueAt: Date | null;
  status: string;
  now: Date;
  calendar: WorkingCalendar;
}) {
  const { text, tone } = deadlineDistance(dueAt, status, now, calendar);
  return (
    <span class="deadline">
      {dueAt && tone !== 'closed' && <span class="deadline__date">{formatVnDate(new Date(dueAt.getTime() - 1))}</span>}
      <strong class={`tag tag--deadline-${tone}`}>{text}</strong>
    </span>
  );
}
