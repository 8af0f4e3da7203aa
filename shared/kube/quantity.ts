/**
 * Kubernetes resource quantities ("250m", "64Mi", "1.5Gi", "2e3"), parsed exactly
 * with BigInt so that no floating-point rounding changes what a node can hold.
 * Scheduling compares integers: millicores for cpu, bytes for memory, rounded up
 * as the Kubernetes API server does (a request never shrinks by rounding).
 */

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** An exact rational value: numerator / 10^scale, times a binary multiplier. */
export interface Quantity {
  readonly numerator: bigint;
  readonly denominator: bigint;
  readonly text: string;
}

export class QuantityError extends Error {
  constructor(readonly input: string) {
    super(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
    this.name = 'QuantityError';
  }
}

export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === 'number' ? String(input) : input.trim();
  const match = QUANTITY.exec(text);
  if (!match) throw new QuantityError(text);
  const [, sign, digits, suffix = '', exponentText] = match;
  const [whole, fraction = ''] = digits.split('.');
  let numerator = BigInt((whole || '0') + fraction);
  let denominator = 10n ** BigInt(fraction.length);
  if (suffix in BINARY) {
    numerator *= BINARY[suffix];
  } else {
    const exponent = exponentText !== undefined ? Number(exponentText) : DECIMAL_EXPONENT[suffix];
    if (Math.abs(exponent) > 30) throw new QuantityError(text);
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  }
  if (sign === '-') numerator = -numerator;
  return { numerator, denominator, text };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b > 0n ? q + 1n : q;
}

/** CPU in millicores, rounded up ("100u" is 1m, as Kubernetes' MilliValue). */
export function toMilliCpu(input: string | number): number {
  const q = parseQuantity(input);
  return Number(ceilDiv(q.numerator * 1000n, q.denominator));
}

/** Memory (or any byte quantity) in bytes, rounded up. */
export function toBytes(input: string | number): number {
  const q = parseQuantity(input);
  return Number(ceilDiv(q.numerator, q.denominator));
}

export function isValidQuantity(input: unknown): boolean {
  if (typeof input !== 'string' && typeof input !== 'number') return false;
  try {
    parseQuantity(input);
    return true;
  } catch {
    return false;
  }
}

/** Formats millicores the way kubectl prints them: "250m", "2". */
export function formatMilliCpu(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Formats bytes with the largest exact binary suffix: "64Mi", "1536Ki". */
export function formatBytes(bytes: number): string {
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const unit = Number(BINARY[suffix]);
    if (bytes !== 0 && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}
