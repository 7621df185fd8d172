// Writes the golden corpus: hand-written hard cases plus deterministic generated lines.
// Output: tests/Analysis.Tokenizers.Tests/Golden/corpus.jsonl, one JSON string per line.
// Run: node make-corpus.mjs   (no randomness outside the seeded generator: reruns are identical)
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'tests', 'Analysis.Tokenizers.Tests', 'Golden', 'corpus.jsonl');

const hard = [
  '', ' ', '  ', '\t', '\n', '\r\n', ' \n ', '\n\n\n', 'a', 'A', '.', "'", '"',
  'Hello world', 'Hello  world', 'Hello   world  ', '  leading spaces', 'trailing spaces   ',
  'tabs\tbetween\t\twords', '\ttab first', 'line one\nline two\r\nline three\rline four',
  "It's, I'm, you're, we've, they'll, he'd, don't, IT'S, I'M, YOU'RE, We'Ve",
  "rock 'n' roll '' ''' 'quoted' \"double\"",
  'The quick brown fox jumps over the lazy dog.',
  'THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG!',
  'def f(x):\n    return x**2 + 1  # square\n',
  'for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }',
  'const re = /^(?:[a-z]+)\\d{2,3}$/gi; // regex',
  '<html><body class="main">Hi &amp; bye</body></html>',
  '{"key": [1, 2.5, -3e10, null, true], "nested": {"a": "b"}}',
  'SELECT name, COUNT(*) FROM users WHERE id > 10 GROUP BY name;',
  '    indented with four spaces', '\t\tindented with tabs',
  '12345678901234567890', '3.14159 2.71828 1e-9 -42 +7 0x1F 0b1010', '1,000,000.00 $5.99 €12,50 ¥1000 £3',
  '2024-01-15 13:45:00Z', '15/01/2024 and 01.15.24', 'Call +1 (555) 123-4567 ext. 89',
  '100% 50‰ 3/4 ½ ¾ ² ³ ⁴ ₁₂ ①②③', 'Ⅻ ⅻ ∞ ≠ ≤ ≥ ± × ÷ √ ∑ ∫',
  '😀', '😀😃😄', 'I ❤️ emoji 👍🏽 and 🎉!', '👨‍👩‍👧‍👦 family', '🏳️‍🌈 flag', '👩🏾‍💻 coder', '🇺🇸🇯🇵🇫🇷 flags',
  '1️⃣ keycap #️⃣', '🧑‍🤝‍🧑', 'e\u0301 e\u0300\u0327 a\u030a', 'café naïve résumé façade Ångström',
  'Cafe\u0301 vs Café', 'ﬁ ﬂ ﬃ ligatures', 'Ｆｕｌｌｗｉｄｔｈ　ｔｅｘｔ　１２３', 'ｶﾀｶﾅ halfwidth',
  '中文文本测试，这是一个句子。', '日本語のテキストです。カタカナとひらがな。', '한국어 텍스트입니다.',
  '混合mixed文本text123', '𠀀𠀁 rare CJK ext B', 'العربية نص تجريبي، مع علامات الترقيم.',
  'مرحبا بالعالم 123', 'עברית טקסט', 'हिन्दी में पाठ। नमस्ते दुनिया', 'ক্ষ ত্র বাংলা', 'தமிழ் உரை',
  'ไทย ภาษาไทย', 'Ελληνικά κείμενο ΑΒΓ', 'Русский текст, ЗАГЛАВНЫЕ буквы.', 'Türkçe İstanbul ıiİI',
  'Straße STRASSE ß ẞ', 'Ǆ ǅ ǆ dz', 'Vietnamese: Tiếng Việt có dấu',
  'control\u0000null', 'bell\u0007 backspace\u0008 escape\u001b[31m', 'del\u007f and \u0085 nel',
  'zero\u200bwidth\u200cjoiner\u200dhere', 'bom\ufeffinside', 'soft\u00adhyphen', 'nbsp\u00a0here\u2009thin\u3000ideo',
  'line\u2028sep\u2029para', 'replacement \ufffd char', 'private \ue000 use',
  'a'.repeat(300), 'supercalifragilisticexpialidocious', 'Pneumonoultramicroscopicsilicovolcanoconiosis',
  'x'.repeat(1000), 'ab'.repeat(200), '!!!!!!!!!!!!!!!!!!!!', '................', '----------------------------------------',
  '========', '   \t  \n  \t ', 'a b c d e f g h i j k l m n o p q r s t u v w x y z',
  '<s>', '</s>', '<unk>', '<pad>', '[CLS]', '[SEP]', '[MASK]', '[PAD]', '[UNK]', '<|endoftext|>',
  '<|begin_of_text|>', '<|end_of_text|>', '<|eot_id|>', '<|start_header_id|>user<|end_header_id|>',
  '<s>Hello</s>', '<s> Hello </s>', 'text <s> inside </s> text', '[CLS] sentence [SEP] other [SEP]',
  '<|begin_of_text|>Hello<|eot_id|>', 'a<|endoftext|>b', ' <|endoftext|> ', '<extra_id_0> fill <extra_id_1>',
  '<<s>>', '<s<s>>', '[[CLS]]', '<|begin_of_text|><|begin_of_text|>', '<s></s><s>', 'lower [cls] [Cls]',
  'ends with special <s>', '<S> uppercase not special', '▁ metaspace char ▁▁ in text', '▁',
  'Ġ Ċ byte-level chars', '##suffix ##', 'under_score snake_case camelCase PascalCase kebab-case',
  'http://example.com/path?q=1&r=2#frag', 'user@example.com', '@mention #hashtag', 'C:\\Windows\\System32',
  '/usr/local/bin/python3', 'e=mc^2; a+b=c; x<y>z', '¿Qué? ¡Hola! «guillemets» „Anführung" “curly” ‘single’',
  '— en – dash … ellipsis • bullet', '© ® ™ § ¶ † ‡', 'emoji😀inside😀word', '123abc456def', 'v1.2.3-beta+build.5',
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'The year 1999 and 2000; 10000000 items; 3.0.1', 'multiple   internal     spaces', 'a\u00a0\u00a0b',
  ' leading single space', 'trailing single space ', '\n leading newline', 'trailing newline\n',
  '  \n\n  mixed\t\n', 'Mixed CASE WoRdS and ALLCAPS', "can't won't shouldn't y'all o'clock",
  '¡', 'ŉ', 'İ', 'ǰ', 'ΐ', 'ﬀ', 'Å', 'K', 'ᾳ', 'ϓ', '\u0345', 'ß', 'ﬆ',
];

// Deterministic generator (mulberry32): the corpus must be identical on every run.
function rng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20240601);
const pick = (a) => a[Math.floor(rand() * a.length)];

const words = ('the of and to in is was that for it with as his on be at by had are but from or have an they which ' +
  'one you were her all she there would their we him been has when who will more no if out so said what up its about ' +
  'into than them can only other new some could time these two may then do first any my now such like our over man me ' +
  'even most made after also did many before must through back years where much your way well down should because each ' +
  'research model token neural language attention transformer layer probe activation residual stream embedding').split(' ');
const fragments = [
  'Hello', 'world', 'naïve', 'Zürich', 'São Paulo', 'Москва', '東京', '北京', 'दिल्ली', 'القاهرة', '서울', 'Αθήνα',
  '😀', '🚀', '👍🏽', '👨‍👩‍👧', '🇩🇪', '✨', '🤖', '42', '3.14', '1,234', '2023-12-31', '12:30', '$100', '50%', '#1',
  'foo()', 'x[i]', 'a->b', 'i++', '==', '!=', '&&', '||', '::', '=>', '<s>', '</s>', '[CLS]', '[SEP]', '<unk>',
  '<|endoftext|>', '<|begin_of_text|>', '<|eot_id|>', '<pad>', '<extra_id_5>', "'s", "'ll", "n't", '...', '—', '“quoted”',
  'e\u0301', 'ñ', 'Ö', 'ø', 'æ', 'œ', 'ç', '\t', '  ', '\n', '\u200d', '\u00a0', 'ﬁ', 'Ⅸ', '½',
];
const separators = [' ', ' ', ' ', ' ', '  ', '\t', '\n', ', ', '. ', '-', '', ' — ', '/', '_'];

function sentence(n) {
  const parts = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    let w = r < 0.7 ? pick(words) : pick(fragments);
    if (rand() < 0.1) w = w[0].toUpperCase() + w.slice(1);
    if (rand() < 0.03) w = w.toUpperCase();
    parts.push(w);
    if (i < n - 1) parts.push(pick(separators));
  }
  let s = parts.join('');
  if (rand() < 0.5) s = s[0].toUpperCase() + s.slice(1) + pick(['.', '!', '?', '', ':', ';']);
  return s;
}
function codeLine() {
  const ids = ['x', 'y', 'idx', 'total_sum', 'getValue', 'HTTPServer', 'self', 'this', 'arr', 'map_'];
  const ops = [' = ', ' += ', ' == ', ' < ', '->', '.', ' && ', ' % '];
  const indent = pick(['', '    ', '        ', '\t', '\t\t', '  ']);
  return indent + pick(ids) + pick(ops) + pick(ids) + pick(['(', '[']) + Math.floor(rand() * 1000) + pick([')', ']']) + pick([';', ':', '', ' {', ' // note', ' # comment']);
}
function numberLine() {
  const y = 1900 + Math.floor(rand() * 200), m = 1 + Math.floor(rand() * 12), d = 1 + Math.floor(rand() * 28);
  const big = Math.floor(rand() * 1e9), f = (rand() * 1000).toFixed(Math.floor(rand() * 5));
  return pick([
    `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`, `${d}/${m}/${y}`, `On ${d} March ${y}, ${big} people`,
    `${f} + ${big} = ${Number(f) + big}`, `Version ${m}.${d}.${y % 100}`, `${big}${big}`, `Q${1 + (m % 4)} ${y}: +${f}%`,
  ]);
}
function unicodeLine() {
  const ranges = [[0x4e00, 0x9fff], [0x0600, 0x06ff], [0x0900, 0x097f], [0x0400, 0x04ff], [0x3040, 0x30ff], [0xac00, 0xd7a3],
    [0x1f300, 0x1f5ff], [0x0370, 0x03ff], [0x00c0, 0x024f], [0x2000, 0x206f], [0x0300, 0x036f], [0x1f900, 0x1f9ff], [0x20000, 0x2000f]];
  let s = '';
  const n = 1 + Math.floor(rand() * 20);
  for (let i = 0; i < n; i++) {
    const [a, b] = pick(ranges);
    s += String.fromCodePoint(a + Math.floor(rand() * (b - a + 1)));
    if (rand() < 0.2) s += pick([' ', ' ', '\u200d', '\ufe0f', '\t', 'a', '1']);
  }
  return s;
}
function whitespaceLine() {
  let s = '';
  const n = 1 + Math.floor(rand() * 8);
  for (let i = 0; i < n; i++) s += pick([' ', '  ', '   ', '\t', '\n', '\r\n', '\u00a0', '\u3000']) + (rand() < 0.6 ? pick(words) : '');
  return s;
}
function longWordLine() {
  let w = '';
  const n = 20 + Math.floor(rand() * 120);
  for (let i = 0; i < n; i++) w += pick(['a', 'b', 'th', 'ing', 'ion', 'z', 'q', 'é', '1', 'X']);
  return pick(words) + ' ' + w + ' ' + pick(words);
}

const lines = [...hard];
const makers = [() => sentence(3 + Math.floor(rand() * 25)), codeLine, numberLine, unicodeLine, whitespaceLine, longWordLine,
  () => sentence(1 + Math.floor(rand() * 4))];
const weights = [0.45, 0.12, 0.1, 0.12, 0.08, 0.05, 0.08];
while (lines.length < 2200) {
  let r = rand(), k = 0;
  while (k < weights.length - 1 && r >= weights[k]) { r -= weights[k]; k++; }
  lines.push(makers[k]());
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
console.log(`wrote ${lines.length} lines to ${out}`);
