"""Small real tokenizers for the random-weight reference models, cut from real ones so embeddings stay small.

- GPT-2 byte-level BPE: the 256 byte tokens plus GPT-2's first N merges (GPT-2's vocabulary ids 256+i are exactly
  the results of merge i, so the first 256+N ids and N merges form a valid prefix tokenizer), then <|endoftext|>.
- BERT WordPiece: the five specials, then the uncased BERT vocabulary's ASCII entries in id order (single
  characters, '##' continuations, whole words) up to the requested size.
Each comes with an encoder written from the original algorithms (OpenAI's encoder.py, Google's BERT
tokenization.py) that the exporter uses for its reference inputs and that transformers.js is checked against.
"""
import copy
import json
import re
import unicodedata

# GPT-2's pre-tokenizer with the stdlib `re`: \p{L} ~ [^\W\d_], \p{N} ~ \d (equal on the ASCII/Latin-1 corpus used).
_GPT2_PAT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    """OpenAI's reversible byte -> printable character map used by GPT-2's byte-level BPE."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) + \
        list(range(ord("\u00ae"), ord("\u00ff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


class Gpt2Prefix:
    """GPT-2's tokenizer restricted to its first `n_merges` merges."""

    def __init__(self, gpt2_dir, n_merges):
        full = json.load(open(f"{gpt2_dir}/vocab.json", encoding="utf-8"))
        inv = {i: t for t, i in full.items()}
        merges = open(f"{gpt2_dir}/merges.txt", encoding="utf-8").read().split("\n")[1 : 1 + n_merges]
        for i, m in enumerate(merges):
            if m.replace(" ", "") != inv[256 + i]:
                raise ValueError(f"GPT-2 vocabulary id {256 + i} is not the result of merge {i}")
        self.vocab = {inv[i]: i for i in range(256 + n_merges)}
        self.eot = 256 + n_merges
        self.vocab["<|endoftext|>"] = self.eot
        self.merges = merges
        self.ranks = {tuple(m.split(" ")): r for r, m in enumerate(merges)}
        self.byte_map = bytes_to_unicode()
        self.template = json.load(open(f"{gpt2_dir}/tokenizer.json", encoding="utf-8"))

    def _bpe(self, word):
        syms = list(word)
        while len(syms) > 1:
            pairs = {(syms[i], syms[i + 1]) for i in range(len(syms) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, 1 << 60))
            if best not in self.ranks:
                break
            out, i = [], 0
            while i < len(syms):
                if i < len(syms) - 1 and (syms[i], syms[i + 1]) == best:
                    out.append(syms[i] + syms[i + 1])
                    i += 2
                else:
                    out.append(syms[i])
                    i += 1
            syms = out
        return syms

    def encode(self, text):
        ids = []
        for piece in _GPT2_PAT.findall(text):
            word = "".join(self.byte_map[b] for b in piece.encode("utf-8"))
            ids.extend(self.vocab[s] for s in self._bpe(word))
        return ids

    def tokenizer_json(self):
        tj = copy.deepcopy(self.template)
        tj["added_tokens"][0]["id"] = self.eot
        tj["model"]["vocab"] = self.vocab
        tj["model"]["merges"] = self.merges
        return tj

    def tokenizer_config(self, max_len):
        return {"tokenizer_class": "GPT2Tokenizer", "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
                "unk_token": "<|endoftext|>", "add_prefix_space": False, "model_max_length": max_len}


class BertPrefix:
    """Uncased BERT WordPiece with a vocabulary cut to `size` entries (specials, then ASCII entries in id order)."""

    SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    def __init__(self, bert_dir, size):
        lines = open(f"{bert_dir}/vocab.txt", encoding="utf-8").read().split("\n")
        keep = list(self.SPECIALS)
        for t in lines:
            if len(keep) == size:
                break
            if t and t.isascii() and not t.startswith("[") and t not in keep and t.strip() == t:
                keep.append(t)
        self.tokens = keep
        self.vocab = {t: i for i, t in enumerate(keep)}
        self.template = json.load(open(f"{bert_dir}/tokenizer.json", encoding="utf-8"))

    # --- Google's BERT BasicTokenizer (uncased) + WordpieceTokenizer
    @staticmethod
    def _is_punct(ch):
        cp = ord(ch)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    @staticmethod
    def _is_cjk(cp):
        return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or
                0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or
                0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)

    def _basic(self, text):
        out = []
        for ch in text:
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t\n\r"):
                continue
            if ch in " \t\n\r" or unicodedata.category(ch) == "Zs":
                out.append(" ")
            elif self._is_cjk(cp):
                out.append(f" {ch} ")
            else:
                out.append(ch)
        words = []
        for w in "".join(out).split():
            w = "".join(c for c in unicodedata.normalize("NFD", w.lower()) if unicodedata.category(c) != "Mn")
            cur = ""
            for c in w:
                if self._is_punct(c):
                    if cur:
                        words.append(cur)
                    words.append(c)
                    cur = ""
                else:
                    cur += c
            if cur:
                words.append(cur)
        return words

    def _wordpiece(self, word):
        if len(word) > 100:
            return [self.vocab["[UNK]"]]
        ids, start = [], 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                sub = word[start:end] if start == 0 else "##" + word[start:end]
                if sub in self.vocab:
                    found = sub
                    break
                end -= 1
            if found is None:
                return [self.vocab["[UNK]"]]
            ids.append(self.vocab[found])
            start = end
        return ids

    def encode(self, text):
        ids = [self.vocab["[CLS]"]]
        for w in self._basic(text):
            ids.extend(self._wordpiece(w))
        return ids + [self.vocab["[SEP]"]]

    def tokenizer_json(self):
        tj = copy.deepcopy(self.template)
        tj["truncation"] = None
        tj["padding"] = None
        for a in tj["added_tokens"]:
            a["id"] = self.vocab[a["content"]]
        for name in ("[CLS]", "[SEP]"):
            tj["post_processor"]["special_tokens"][name]["ids"] = [self.vocab[name]]
        tj["model"]["vocab"] = self.vocab
        return tj

    def tokenizer_config(self, max_len):
        return {"tokenizer_class": "BertTokenizer", "do_lower_case": True, "do_basic_tokenize": True,
                "tokenize_chinese_chars": True, "strip_accents": None, "cls_token": "[CLS]", "sep_token": "[SEP]",
                "pad_token": "[PAD]", "unk_token": "[UNK]", "mask_token": "[MASK]", "model_max_length": max_len}


CORPUS = [
    "Hello world", "The quick brown fox jumps over the lazy dog.", "Once upon a time, there was a little girl.",
    "  leading and trailing spaces  ", "numbers 0 12 345 6789 3.14 1,000,000", "snake_case and camelCase words",
    "It's, they're, we've, I'm, you'll, he'd", "punctuation!? (parentheses) [brackets] {braces} <angles>",
    "caf\u00e9 na\u00efve \u00fcber \u00e5ngstr\u00f6m", "tabs\tand\nnewlines\n\nend", "UPPER lower MiXeD Case",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z", "supercalifragilisticexpialidocious",
    "email@example.com https://example.org/path?q=1", "x" * 40, "The end.",
]
