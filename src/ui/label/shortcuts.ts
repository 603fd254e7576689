/**
 * @file The workspace's keyboard shortcuts, one table: the key handler reads it and the help
 * popover lists it, so the two cannot disagree.
 */
import type { Tool } from './store';

export type Command =
  | { kind: 'tool'; tool: Tool }
  | { kind: 'class'; index: number }
  | { kind: 'undo' } | { kind: 'redo' }
  | { kind: 'brush'; factor: number }
  | { kind: 'outline' }
  | { kind: 'image'; step: -1 | 1 }
  | { kind: 'zoom'; factor: number } | { kind: 'zoom-reset' }
  | { kind: 'help' };

export interface Shortcut {
  keys: string;
  what: string;
}

const TOOL_KEYS: Record<string, Tool> = { b: 'brush', e: 'eraser', f: 'fill', p: 'polygon', s: 'similar' };

/** What the help popover lists (in this order). */
export const SHORTCUTS: Shortcut[] = [
  { keys: 'B E F P S', what: 'brush, eraser, superpixel fill, polygon, similar patches' },
  { keys: '1 … 9', what: 'choose class 1 … 9 of the list' },
  { keys: 'Ctrl+Z', what: 'undo (this image)' },
  { keys: 'Ctrl+Shift+Z or Ctrl+Y', what: 'redo' },
  { keys: '[ ]', what: 'smaller, larger brush' },
  { keys: 'O', what: 'superpixel outline on or off' },
  { keys: 'Page Up, Page Down', what: 'previous, next image' },
  { keys: '+ − 0', what: 'zoom in, out, reset (wheel zooms too; drag with the right button or Space to pan)' },
  { keys: 'Enter, double click', what: 'close the polygon (Esc drops it, Backspace its last point)' },
  { keys: '?', what: 'this list' },
];

/** The command for a key press, or undefined for keys the workspace leaves alone. */
export function commandFor(e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }): Command | undefined {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && key === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
  if (mod && key === 'y') return { kind: 'redo' };
  if (mod || e.altKey) return undefined;
  if (TOOL_KEYS[key]) return { kind: 'tool', tool: TOOL_KEYS[key] };
  if (/^[1-9]$/.test(key)) return { kind: 'class', index: Number(key) - 1 };
  switch (key) {
    case '[': return { kind: 'brush', factor: 1 / 1.25 };
    case ']': return { kind: 'brush', factor: 1.25 };
    case 'o': return { kind: 'outline' };
    case 'PageUp': return { kind: 'image', step: -1 };
    case 'PageDown': return { kind: 'image', step: 1 };
    case '+': case '=': return { kind: 'zoom', factor: 1.25 };
    case '-': case '−': return { kind: 'zoom', factor: 1 / 1.25 };
    case '0': return { kind: 'zoom-reset' };
    case '?': return { kind: 'help' };
    default: return undefined;
  }
}
