import fc from 'fast-check';
import { wrongValue } from './edge-values.js';

type Path = readonly (string | number)[];

/** Every place in a JSON value: `[]` for the value itself, then each key and index, depth first. */
function pathsOf(value: unknown, path: Path = []): Path[] {
  const here = [path];
  if (Array.isArray(value))
    return here.concat(value.flatMap((element, index) => pathsOf(element, [...path, index])));
  if (value !== null && typeof value === 'object')
    return here.concat(Object.entries(value).flatMap(([key, element]) => pathsOf(element, [...path, key])));
  return here;
}

/** `value` with the thing at `path` replaced by `update(thing)`; `undefined` removes it. */
function replaceAt(value: unknown, path: Path, update: (current: unknown) => unknown): unknown {
  if (path.length === 0) return update(value);
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    const next = replaceAt(copy[head as number], rest, update);
    if (next === undefined) copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const next = replaceAt(copy[head as string], rest, update);
  if (next === undefined) delete copy[head as string];
  else copy[head as string] = next;
  return copy;
}

const extraKeys = ['extra', '__proto__', 'constructor', 'id ', 'ID', '', '\u0000', 'x'.repeat(300)];

/**
 * `valid` one step wrong: a field of the wrong type, a field left out, an
 * unknown field added, a value wrapped in an array or an object, or nested
 * far deeper than any schema allows.
 */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.nat(), wrongValue, fc.constantFrom(...extraKeys), fc.integer({ min: 0, max: 5 }))
    .map(([value, at, wrong, key, kind]) => {
      const paths = pathsOf(value);
      const path = paths[at % paths.length] ?? [];
      switch (kind) {
        case 0:
          return replaceAt(value, path, () => wrong);
        case 1:
          return path.length === 0 ? wrong : replaceAt(value, path, () => undefined);
        case 2:
          return replaceAt(value, path, (current) =>
            current !== null && typeof current === 'object' && !Array.isArray(current)
              ? { ...current, [key]: wrong }
              : { [key]: current },
          );
        case 3:
          return replaceAt(value, path, (current) => [current]);
        case 4:
          return replaceAt(value, path, (current) => nest(current, 64 + (at % 2000)));
        default:
          return replaceAt(value, path, (current) => ({ value: current, [key]: current }));
      }
    });
}

/** `value` inside `depth` arrays and objects, alternating. */
function nest(value: unknown, depth: number): unknown {
  let nested = value;
  for (let level = 0; level < depth; level++) nested = level % 2 === 0 ? [nested] : { a: nested };
  return nested;
}
