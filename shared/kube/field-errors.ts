/**
 * Builders for validation causes, worded as apimachinery's `field.Error`
 * (`ErrorBody`): the reason is the cause type, the message is the body the 422
 * Status prints after the field path. Values are rendered as Go prints them:
 * strings quoted, numbers and booleans bare, anything else briefly.
 */
import type { StatusCause } from '../events/status';

export type FieldCause = StatusCause & { reason: string; message: string; field: string };

/** Messages stay readable however large or deep the offending value is. */
const MAX_RENDERED = 120;

export function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > MAX_RENDERED ? `${value.slice(0, MAX_RENDERED)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value !== 'object') return typeof value;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined || text.length > MAX_RENDERED) return Array.isArray(value) ? '[...]' : '{...}';
  return text;
}

const withDetail = (body: string, detail?: string) => (detail ? `${body}: ${detail}` : body);

export const required = (field: string, detail?: string): FieldCause => ({ reason: 'FieldValueRequired', message: withDetail('Required value', detail), field });

export const invalid = (field: string, value: unknown, detail: string): FieldCause => ({
  reason: 'FieldValueInvalid',
  message: withDetail(`Invalid value: ${renderValue(value)}`, detail),
  field,
});

/** Supported values are listed sorted, as Kubernetes lists them from a set. */
export const notSupported = (field: string, value: unknown, supported: readonly unknown[]): FieldCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${renderValue(value)}: supported values: ${[...supported].map((v) => JSON.stringify(v)).sort().join(', ')}`,
  field,
});

export const duplicate = (field: string, value: unknown): FieldCause => ({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${renderValue(value)}`, field });

export const notFound = (field: string, value: unknown): FieldCause => ({ reason: 'FieldValueNotFound', message: `Not found: ${renderValue(value)}`, field });

export const forbidden = (field: string, detail: string): FieldCause => ({ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field });

export const tooLong = (field: string, max: number): FieldCause => ({ reason: 'FieldValueTooLong', message: `Too long: must have at most ${max} bytes`, field });
