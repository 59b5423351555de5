/**
 * A string's UTF-16 code units in a reusable typed array, for loops that look at every character
 * of every text of a dataset build. `charCodeAt` re-checks the string's representation on each
 * call, which made those loops two to three times slower than reading the same units from a
 * typed array after one native copy (Buffer#write, 'utf16le': the units exactly, lone surrogates
 * included). Synchronous and single-threaded: valid until the next call.
 */
let bytes = Buffer.allocUnsafeSlow(2 * 16_384);
let units = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);

/** The text's units at `[0, text.length)` of the returned array (which may hold stale units past that). */
export function textUnits(text: string): Uint16Array {
  if (text.length > units.length) {
    bytes = Buffer.allocUnsafeSlow(2 * Math.max(text.length, 2 * units.length));
    units = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
  }
  bytes.write(text, 0, 'utf16le');
  return units;
}
