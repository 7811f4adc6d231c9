import { InvalidInputError } from '../core/index.js';
import { maxWorldStrength } from '../simulate/index.js';

/** `--world-strength`'s help: the satisfaction world (docs/simulate.md) at a strength from 0 to 4. */
export const worldStrengthHelp = `the satisfaction world (docs/simulate.md): duration bias, temptation, heterogeneous expression and a satisfaction-driven long run at this strength, 0 (today's world) to ${maxWorldStrength}`;

/** The flag's value as a number, undefined when absent; InvalidInputError naming the flag otherwise. */
export function parseWorldStrength(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const strength = Number(value);
  if (!(value.trim() !== '' && strength >= 0 && strength <= maxWorldStrength))
    throw new InvalidInputError(
      `--world-strength must be a number from 0 to ${maxWorldStrength}, got "${value}"`,
    );
  return strength;
}
