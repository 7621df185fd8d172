// Independent reference for llama2.c's tokenizer.bin, a line-by-line port of `encode`/`decode` in
// karpathy/llama2.c run.c (quadratic, deliberately naive). Offsets: each token carries the UTF-8 byte span
// of the input it came from (the dummy-prefix space spans nothing); merges take the union; byte spans are
// then widened to whole characters and expressed as UTF-16 indices.
// Deviation from C: C strings end at NUL, here the whole string is encoded (U+0000 becomes byte token <0x00>).
export class Llama2cTokenizer {
  constructor(buf) {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.maxTokenLength = dv.getInt32(0, true);
    this.vocab = []; this.scores = []; this.lookup = new Map();
    let p = 4;
    while (p < buf.length) {
      const score = dv.getFloat32(p, true); const len = dv.getInt32(p + 4, true); p += 8;
      const bytes = buf.subarray(p, p + len); p += len;
      const key = Buffer.from(bytes).toString('latin1');
      if (!this.lookup.has(key)) this.lookup.set(key, this.vocab.length); // first occurrence, like a stable search
      this.vocab.push(Buffer.from(bytes)); this.scores.push(score);
    }
  }
  id(bytes) { const v = this.lookup.get(Buffer.from(bytes).toString('latin1')); return v === undefined ? -1 : v; }
  encode(text, bos, eos) {
    const utf8 = Buffer.from(text.toWellFormed(), 'utf8');
    const tokens = []; const spans = [];
    if (bos) { tokens.push(1); spans.push(null); }
    if (utf8.length > 0) { tokens.push(this.id([0x20])); spans.push([0, 0]); }
    let buffer = [];
    for (let i = 0; i < utf8.length; i++) {
      const c = utf8[i];
      if ((c & 0xc0) !== 0x80) buffer = [];
      buffer.push(c);
      if (i + 1 < utf8.length && (utf8[i + 1] & 0xc0) === 0x80 && buffer.length < 4) continue;
      const id = this.id(buffer);
      const start = i + 1 - buffer.length;
      if (id !== -1) { tokens.push(id); spans.push([start, i + 1]); }
      else for (let k = 0; k < buffer.length; k++) { tokens.push(buffer[k] + 3); spans.push([start + k, start + k + 1]); }
      buffer = [];
    }
    for (;;) {
      let bestScore = -1e10, bestId = -1, bestIdx = -1;
      for (let i = 0; i < tokens.length - 1; i++) {
        const id = this.id(Buffer.concat([this.vocab[tokens[i]], this.vocab[tokens[i + 1]]]));
        if (id !== -1 && this.scores[id] > bestScore) { bestScore = this.scores[id]; bestId = id; bestIdx = i; }
      }
      if (bestIdx === -1) break;
      const a = spans[bestIdx], b = spans[bestIdx + 1];
      tokens.splice(bestIdx, 2, bestId);
      spans.splice(bestIdx, 2, a === null ? b : b === null ? a : [Math.min(a[0], b[0]), Math.max(a[1], b[1])]);
    }
    if (eos) { tokens.push(2); spans.push(null); }
    return { ids: tokens, offsets: spans.map((s) => (s === null ? [0, 0] : this.toUtf16(text, utf8, s))) };
  }
  // Byte span -> UTF-16 span, widened to the characters it touches.
  toUtf16(text, utf8, [bs, be]) {
    if (bs === be) { const u = utf16At(text, bs); return [u, u]; }
    let b = 0, u = 0, start = -1, end = -1;
    for (const ch of text.toWellFormed()) {
      const nb = Buffer.byteLength(ch, 'utf8');
      if (start < 0 && b + nb > bs) start = u;
      if (b < be) end = u + ch.length;
      b += nb; u += ch.length;
    }
    return [start, end];
  }
  // skipSpecial drops BOS/EOS text (llama2.c's run.c never prints the BOS piece) but still strips the space after BOS.
  decode(ids, skipSpecial = false) {
    const parts = [];
    let prev = -1;
    for (const id of ids) {
      if (skipSpecial && (id === 1 || id === 2)) { prev = id; continue; }
      let piece = this.vocab[id];
      if (prev === 1 && piece[0] === 0x20) piece = piece.subarray(1);
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece.toString('latin1'));
      parts.push(m ? Buffer.from([parseInt(m[1], 16)]) : piece);
      prev = id;
    }
    return Buffer.concat(parts).toString('utf8');
  }
}
function utf16At(text, byteIndex) {
  let b = 0, u = 0;
  for (const ch of text.toWellFormed()) { if (b >= byteIndex) return u; b += Buffer.byteLength(ch, 'utf8'); u += ch.length; }
  return u;
}
