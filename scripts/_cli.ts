/**
 * Shared command-line plumbing for ALPE's scripts: typed errors become one clear
 * line on stderr (no stack trace) and exit code 2; flag parsing with named errors.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { AlpeError, ValidationError } from "../lib/errors.ts";

/** Runs `main`, turning ALPE errors into a one-line message and exit code 2. */
export async function runMain(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof AlpeError) {
      console.error(`error: ${err.message}`);
      Deno.exit(2);
    }
    throw err;
  }
}

/**
 * Parses `args` strictly with `node:util`'s parseArgs; an unknown flag or a missing
 * value becomes a {@linkcode ValidationError} naming the flag.
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: T,
  allowed: string,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const flag = /'(-{1,2}[^' ]+)/.exec(msg)?.[1] ?? "flags";
    throw new ValidationError(flag, args.join(" "), `one of the supported flags: ${allowed}`);
  }
}

/** Parses an integer flag value in [min, max] or throws a ValidationError naming `--flag`. */
export function intFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new ValidationError(`--${flag}`, raw, `an integer in [${min}, ${max}]`);
  }
  return v;
}

/** Parses a number flag value in [min, max] or throws a ValidationError naming `--flag`. */
export function numberFlag(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(v) || v < min || v > max) {
    throw new ValidationError(`--${flag}`, raw, `a number in [${min}, ${max}]`);
  }
  return v;
}
