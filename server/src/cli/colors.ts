import type { Severity } from '../rules/types';

/** ANSI styling for terminal output; `plain` when colour is off. */
export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  severity(severity: Severity, text: string): string;
}

const style = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

const ansi: Palette = {
  bold: style(1, 22),
  dim: style(2, 22),
  red: style(31, 39),
  green: style(32, 39),
  yellow: style(33, 39),
  cyan: style(36, 39),
  severity(severity, text) {
    const bold = this.bold(text);
    return severity === 'error' ? this.red(bold) : severity === 'warning' ? this.yellow(bold) : this.cyan(bold);
  },
};

const identity = (text: string) => text;

export const plain: Palette = {
  bold: identity,
  dim: identity,
  red: identity,
  green: identity,
  yellow: identity,
  cyan: identity,
  severity: (_severity, text) => text,
};

/**
 * Colour on a terminal, as the usual conventions say: FORCE_COLOR (other than `0`/`false`) turns it on
 * even when piped, NO_COLOR (any non-empty value) turns it off, TERM=dumb has none.
 */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, choice: 'auto' | 'always' | 'never' = 'auto'): boolean {
  if (choice !== 'auto') return choice === 'always';
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** `choice`: the command line's --color (always and never win over the environment). */
export function paletteFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, choice: 'auto' | 'always' | 'never' = 'auto'): Palette {
  return wantsColor(stream, env, choice) ? ansi : plain;
}
