/**
 * A string's UTF-16 code units in a reusable typed array, for loops that look at every character
 * of every text of a dataset build. `charCodeAt` re-checks the string's representation on each
 * call, which made those loops two to three times slower than reading the same units from a
 * typed array after one native copy (Buffer#write, 'utf16le': the units exactly, lone surrogates
 * included). Synchronous and single-threaded: valid until the next call.
 */
const KEPT_UNITS = 16_384;
const kept = Buffer.allocUnsafeSlow(2 * KEPT_UNITS);
const keptUnits = new Uint16Array(kept.buffer, kept.byteOffset, KEPT_UNITS);

/**
 * The text's units at `[0, text.length)` of the returned array (which may hold stale units past
 * that). A text longer than 16,384 units gets an array of its own, so one huge record does not
 * leave a buffer of its size behind in the thread.
 */
export function textUnits(text: string): Uint16Array {
  const own = text.length > KEPT_UNITS ? Buffer.allocUnsafeSlow(2 * text.length) : undefined;
  if (own === undefined) {
    kept.write(text, 0, 'utf16le');
    return keptUnits;
  }
  own.write(text, 0, 'utf16le');
  return new Uint16Array(own.buffer, own.byteOffset, text.length);
}
