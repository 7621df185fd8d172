"""llama2.c's tokenizer (tok*.bin) as a Hugging Face tokenizer.json, plus the two encoders that check it.

- `llama2c_encode` is llama2.c's own algorithm (run.c encode()): BOS, a dummy-prefix space, one token per UTF-8
  character (byte tokens <0xXX> when the character is not in the vocabulary), then repeatedly merge the adjacent
  pair whose concatenation is in the vocabulary with the highest score (leftmost on ties).
- `hf_bpe_encode` applies the tokenizer.json the way Hugging Face's BPE model does (normalizer, lowest merge rank
  first, byte fallback, TemplateProcessing), so equal outputs show the merges list is equivalent.
Merges are every pair (a, b) of ordinary tokens whose concatenation is a token, ranked by that token's score
(descending). Scores of merged tokens in these vocabularies are distinct, so the order is the same as llama2.c's.
"""
import random
import struct

SPACE = "\u2581"  # SentencePiece's visible space
SPECIALS = ["<unk>", "<s>", "</s>"]


def read_tok_bin(path):
    """Returns [(piece bytes, score)] from llama2.c's format: int32 max_len, then (float32 score, int32 len, bytes)*."""
    data = open(path, "rb").read()
    o = 4
    out = []
    while o < len(data):
        score, n = struct.unpack_from("<fi", data, o)
        o += 8
        out.append((data[o : o + n], score))
        o += n
    return out


def _is_byte_token(i):
    return 3 <= i <= 258


# ---------------------------------------------------------------- llama2.c reference encoder
def llama2c_encode(vocab, text, bos=True):
    lookup = {}
    for i, (b, _) in enumerate(vocab):
        lookup.setdefault(b, i)
    scores = [s for _, s in vocab]
    tokens = [1] if bos else []
    if text:
        tokens.append(lookup[b" "])
    for ch in text:
        b = ch.encode("utf-8")
        if b in lookup:
            tokens.append(lookup[b])
        else:
            tokens.extend(x + 3 for x in b)
    start = 1 if bos else 0
    while True:
        best, best_id, best_i = -1e10, -1, -1
        for i in range(start, len(tokens) - 1):
            cat = vocab[tokens[i]][0] + vocab[tokens[i + 1]][0]
            j = lookup.get(cat, -1)
            if j != -1 and scores[j] > best:
                best, best_id, best_i = scores[j], j, i
        if best_i == -1:
            break
        tokens[best_i : best_i + 2] = [best_id]
    return tokens


def decode(vocab, ids):
    """llama2.c-style decoding: byte tokens become raw bytes, the space after BOS is dropped, specials are skipped."""
    out = bytearray()
    prev = None
    for i in ids:
        if i in (0, 1, 2):
            prev = i
            continue
        if _is_byte_token(i):
            out += bytes([i - 3])
        else:
            piece = vocab[i][0]
            if prev == 1 and piece.startswith(b" "):
                piece = piece[1:]
            out += piece
        prev = i
    return out.decode("utf-8", errors="replace")


# ---------------------------------------------------------------- tokenizer.json
def _pieces(vocab):
    pieces = []
    for i, (b, _) in enumerate(vocab):
        if i < 3:
            pieces.append(SPECIALS[i])
        else:
            pieces.append(b.decode("utf-8").replace(" ", SPACE))
    if len(set(pieces)) != len(pieces):
        raise ValueError("token pieces are not unique after mapping ' ' to '\u2581'")
    return pieces


def merges(vocab):
    pieces = _pieces(vocab)
    ordinary = {p: i for i, p in enumerate(pieces) if i >= 259}
    found = []
    for p, i in ordinary.items():
        for k in range(1, len(p)):
            a, b = p[:k], p[k:]
            if a in ordinary and b in ordinary:
                found.append((-vocab[i][1], i, k, a, b))
    found.sort()
    for _, _, _, a, b in found:
        if " " in a or " " in b:
            raise ValueError(f"merge ({a!r}, {b!r}) contains a space; the 'a b' merges format cannot hold it")
    return [f"{a} {b}" for _, _, _, a, b in found]


def _added(i, content):
    return {"id": i, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def build_tokenizer_json(vocab):
    """A Llama-2-style tokenizer.json: Prepend/Replace normalizer, BPE with byte_fallback, BOS via TemplateProcessing."""
    pieces = _pieces(vocab)
    bos = {"SpecialToken": {"id": "<s>", "type_id": 0}}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [_added(i, s) for i, s in enumerate(SPECIALS)],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": SPACE},
            {"type": "Replace", "pattern": {"String": " "}, "content": SPACE},
        ]},
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [bos, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [bos, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}},
        },
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": SPACE}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0},
        ]},
        "model": {
            "type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
            "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True,
            "vocab": {p: i for i, p in enumerate(pieces)},
            "merges": merges(vocab),
        },
    }


def tokenizer_config(max_len):
    return {
        "add_bos_token": True, "add_eos_token": False,
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": None,
        "clean_up_tokenization_spaces": False, "legacy": True, "model_max_length": max_len,
        "tokenizer_class": "LlamaTokenizer",
        "added_tokens_decoder": {str(i): {k: v for k, v in _added(i, s).items() if k not in ("id",)}
                                 for i, s in enumerate(SPECIALS)},
    }


def hf_bpe_encode(tj, text):
    """Hugging Face BPE semantics on a tokenizer.json without added tokens in the text (the corpus has none)."""
    m = tj["model"]
    v = m["vocab"]
    rank = {tuple(s.split(" ")): r for r, s in enumerate(m["merges"])}
    norm = (SPACE + text if text else "").replace(" ", SPACE)
    syms = []
    for ch in norm:
        if ch in v:
            syms.append(ch)
        else:
            syms.extend(f"<0x{b:02X}>" for b in ch.encode("utf-8"))
    while len(syms) > 1:
        best = min(range(len(syms) - 1), key=lambda i: (rank.get((syms[i], syms[i + 1]), 1 << 60), i))
        if (syms[best], syms[best + 1]) not in rank:
            break
        syms[best : best + 2] = [syms[best] + syms[best + 1]]
    return [1] + [v[s] for s in syms]


# ---------------------------------------------------------------- test corpus
_FIXED = [
    "", " ", "  ", "a", "Once upon a time", "Once upon a time, there was a little girl named Lily.",
    "She loved to play outside in the sun.", "Tom and Sue went to the park. They saw a big dog!",
    "\"Can I have the ball?\" asked Ben.", "Hello world", " leading space", "trailing space ",
    "double  space", "tabs\tand\nnewlines\n\n", "Numbers: 0 1 2 3 42 1234567890 3.14159",
    "Punctuation!?.,;:'\"()[]{}<>-_=+*/\\|@#$%^&~`", "UPPER lower MiXeD", "caf\u00e9 na\u00efve r\u00e9sum\u00e9",
    "\u4e2d\u6587\u5b57\u7b26", "emoji \U0001F600\U0001F389 end", "\u0440\u0443\u0441\u0441\u043a\u0438\u0439 \u0442\u0435\u043a\u0441\u0442",
    "\u00a0non-breaking\u00a0space", "zero\u200bwidth",
    "The end.\n\nOnce upon a time, in a land far away, a boy named Timmy had a red ball.",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "the the the the", "I'm happy! You're sad. We'll go.",
]
_WORDS = ("once upon a time there was little girl named lily she loved to play with her toys one day mom said "
          "the big red ball dog cat sun park tree friends happy sad because very and he it was they were went "
          "saw said smiled jumped ran Tim Ben Sue Lily Mia Max Spot \"Hi\" yes no why").split()
_EXTRA = list(".,!?;:'\"-()0123456789") + ["\u00e9", "\u00fc", "\u00df", "\u4e16", "\U0001F431", "\n", "\t", "  "]


def corpus(n_random=300, seed=1234):
    """Fixed edge cases plus seeded random word/punctuation/Unicode mixtures."""
    rng = random.Random(seed)
    out = list(_FIXED)
    for _ in range(n_random):
        parts = []
        for _ in range(rng.randint(1, 25)):
            r = rng.random()
            if r < 0.75:
                w = rng.choice(_WORDS)
                parts.append(w.capitalize() if rng.random() < 0.15 else w)
            else:
                parts.append(rng.choice(_EXTRA))
        sep = lambda: " " if rng.random() < 0.85 else rng.choice(["", "  ", "\n"])  # noqa: E731
        s = ""
        for p in parts:
            s += p + sep()
        out.append(s if rng.random() < 0.7 else s.strip())
    for s in out:
        assert not any(sp in s for sp in SPECIALS)
    return out
