/** @file The classes, edited in place: a button that selects each (its number is its shortcut), its name and colour, remove; and add. */
import { useLabel } from './useLabel';
import { hexColor, parseHex } from './classes';
import { useLab } from '../lab';

export function ClassList() {
  const classes = useLabel((s) => s.ws.classes);
  const active = useLabel((s) => s.activeClass);
  const s = useLabel.getState();
  const report = useLab((l) => l.reportError);
  const guard = (fn: () => void) => () => {
    try {
      fn();
    } catch (e) {
      report(e);
    }
  };
  return (
    <fieldset className="label-classes">
      <legend>Classes</legend>
      <ul>
        {classes.map((c, i) => (
          <li key={i} className={i === active ? 'active' : undefined}>
            <button type="button" className="class-pick" data-testid="label-class" aria-pressed={i === active} onClick={() => s.setActiveClass(i)}
              style={{ background: `rgb(${c.color.join(',')})`, color: c.color[0] * 0.3 + c.color[1] * 0.59 + c.color[2] * 0.11 > 140 ? '#000' : '#fff' }}
              aria-label={`Paint with ${c.name || `class ${i}`}${i < 9 ? ` (key ${i + 1})` : ''}`}>
              {i < 9 ? i + 1 : ''}
            </button>
            <input type="text" data-testid="label-class-name" value={c.name} aria-label={`Name of class ${i}`} spellCheck={false}
              onChange={(e) => s.renameClass(i, e.target.value)} />
            <input type="color" value={hexColor(c.color)} aria-label={`Colour of ${c.name || `class ${i}`}`} onChange={(e) => s.recolorClass(i, parseHex(e.target.value))} />
            <button type="button" className="secondary icon" aria-label={`Remove ${c.name || `class ${i}`} (its pixels become unlabelled)`} disabled={classes.length <= 1}
              onClick={guard(() => {
                if (confirm(`Remove the class “${c.name}”? Its pixels become unlabelled in every image.`)) s.removeClass(i);
              })}>×</button>
          </li>
        ))}
      </ul>
      <button type="button" className="secondary" data-testid="label-class-add" onClick={guard(() => s.addClass())}>Add a class</button>
    </fieldset>
  );
}
