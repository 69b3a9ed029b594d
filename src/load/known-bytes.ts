/**
 * Bytes that lines are compared with many times (an envelope, a time's minute, a tag set), held
 * as little-endian 32-bit words so a comparison reads four bytes at a time without swapping them.
 */
export class KnownBytes {
  readonly length: number;
  readonly #words: Int32Array;
  readonly #tail: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.length = bytes.length;
    const wordCount = bytes.length >>> 2;
    this.#words = new Int32Array(wordCount);
    this.#tail = new Uint8Array(bytes.length - wordCount * 4);
    this.set(bytes, 0);
  }

  /** Takes the `length` bytes at `at` in `bytes` as the known ones. */
  set(bytes: Uint8Array, at: number): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let i = 0; i < this.#words.length; i++) this.#words[i] = view.getInt32(at + i * 4, true);
    for (let i = 0; i < this.#tail.length; i++) this.#tail[i] = bytes[at + this.#words.length * 4 + i]!;
  }

  /** Whether the bytes at `at` (before `limit`) are these; `view` is a DataView of all of `bytes`. */
  isAt(bytes: Uint8Array, view: DataView, at: number, limit: number): boolean {
    if (at + this.length > limit) return false;
    const words = this.#words;
    for (let i = 0; i < words.length; i++) if (view.getInt32(at + i * 4, true) !== words[i]) return false;
    const tailAt = at + words.length * 4;
    const tail = this.#tail;
    for (let i = 0; i < tail.length; i++) if (bytes[tailAt + i] !== tail[i]) return false;
    return true;
  }
}
