import type { TargetState } from '../../domain/task';
import { formatCivilDate, parseCivilDate } from '../../domain/time';

const W = 320;
const H = 120;
const PAD = { left: 8, right: 8, top: 12, bottom: 12 };

const number = (n: number) => n.toLocaleString('vi-VN', { maximumFractionDigits: 2 });
const day = (civil: string) => formatCivilDate(parseCivilDate(civil)).split('-').reverse().join('/');

/**
 * A target's measured values in the order they were measured, against the target line: an SVG drawn
 * on the server (no script, no inline style), its figures also said in words for screen readers.
 */
export function TargetChart({ target }: { target: TargetState }) {
  const points = [...target.measurements].sort((a, b) =>
    a.measuredOn < b.measuredOn ? -1 : a.measuredOn > b.measuredOn ? 1 : a.seq - b.seq,
  );
  if (!points.length) return null;
  const values = [...points.map((m) => m.value), target.value];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || Math.abs(hi) || 1;
  const x = (i: number) =>
    PAD.left + (points.length === 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (points.length - 1));
  const y = (v: number) => PAD.top + ((hi - v) * (H - PAD.top - PAD.bottom)) / span;
  const unit = target.unit ? ` ${target.unit}` : '';
  const said = `${target.metric}: ${points.map((m) => `${number(m.value)}${unit} ngày ${day(m.measuredOn)}`).join(', ')}; mục tiêu ${target.comparator} ${number(target.value)}${unit}`;
  return (
    <figure class="target-chart">
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={said} class="target-chart__svg">
        <line
          x1={PAD.left}
          x2={W - PAD.right}
          y1={y(target.value)}
          y2={y(target.value)}
          stroke="#d4351c"
          stroke-width="2"
          stroke-dasharray="6 4"
        />
        <polyline points={points.map((m, i) => `${x(i)},${y(m.value)}`).join(' ')} fill="none" stroke="#1d70b8" stroke-width="3" />
        {points.map((m, i) => (
          <circle key={m.seq} cx={x(i)} cy={y(m.value)} r="4" fill="#1d70b8" />
        ))}
      </svg>
      <figcaption class="hint">{`Đường liền: giá trị đo được theo ngày đo; đường đứt: mục tiêu ${target.comparator} ${number(target.value)}${unit}.`}</figcaption>
    </figure>
  );
}
