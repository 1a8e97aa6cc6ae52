/**
 * Test helper: every path into a plain YAML value, for tests that ask a source index about each
 * place in a file (and about a place just past each).
 */
import { isRawMap, type Path, type Raw } from '../../src/scenario/source.js';

/** Every path into `value`, the root included, and a missing key or index below each. */
export function paths(value: Raw, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) {
    (value as readonly Raw[]).forEach((v, i) => paths(v, [...at, i], out));
    out.push([...at, (value as readonly Raw[]).length]);
  } else if (isRawMap(value)) {
    for (const k of Object.keys(value)) paths(value[k] as Raw, [...at, k], out);
    out.push([...at, 'no-such-key']);
  } else {
    out.push([...at, 'below-a-scalar'], [...at, 0]);
  }
  return out;
}

/** The value at `path` inside `value`, or undefined where the path leaves it. */
export function valueAt(value: Raw | undefined, path: Path): Raw | undefined {
  let v = value;
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === 'number') v = (v as readonly Raw[])[seg];
    else if (isRawMap(v) && typeof seg === 'string' && Object.hasOwn(v, seg)) v = v[seg];
    else return undefined;
  }
  return v;
}
