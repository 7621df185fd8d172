using System.Text.Json;
using Analysis.Tokenizers.Decoders;
using Analysis.Tokenizers.Json;
using Analysis.Tokenizers.Models;
using Analysis.Tokenizers.Normalizers;
using Analysis.Tokenizers.PostProcessors;
using Analysis.Tokenizers.PreTokenizers;
using Analysis.Tokenizers.Text;

namespace Analysis.Tokenizers;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> pipeline: added tokens → normalizer → pre-tokenizer → model → post-processor,
/// with every token's offsets mapped back to the caller's original string. Decoding runs the file's decoder.
/// </summary>
public sealed class HuggingFaceTokenizer : Tokenizer
{
    private readonly AddedVocabulary _added;
    private readonly Normalizer? _normalizer;
    private readonly PreTokenizer? _preTokenizer;
    private readonly TokenModel _model;
    private readonly PostProcessor? _postProcessor;
    private readonly Decoder? _decoder;
    private readonly int? _bos, _eos, _pad;
    private readonly ByteLevelWords? _byteLevelWords;

    private HuggingFaceTokenizer(ConfigNode root, JsonElement? config)
    {
        _model = TokenModel.Create(root.Required("model"));
        _added = new AddedVocabulary(root.Optional("added_tokens"), _model.TokenToId, _model.VocabSize);
        _normalizer = root.Optional("normalizer") is { } n ? Normalizer.Create(n) : null;
        _preTokenizer = root.Optional("pre_tokenizer") is { } p ? PreTokenizer.Create(p) : null;
        _postProcessor = root.Optional("post_processor") is { } pp ? PostProcessor.Create(pp, t => TokenToId(t)) : null;
        _decoder = root.Optional("decoder") is { } d ? Decoder.Create(d) : null;
        _byteLevelWords = ByteLevelWords.For(_normalizer, _preTokenizer, _model, id => IdToToken(id));

        var (before, after) = _postProcessor?.Wrapping ?? ([], []);
        _bos = ConfigTokenId(config, "bos_token") ?? (before.Length == 1 ? before[0] : null);
        _eos = ConfigTokenId(config, "eos_token") ?? (after.Length == 1 ? after[0] : null);
        _pad = ConfigTokenId(config, "pad_token") ?? (root.Optional("padding")?.OptionalId("pad_id"));
        var addsBos = _bos is { } b && before.Contains(b);
        var addsEos = _eos is { } e && after.Contains(e);
        // tokenizer_config.json's add_bos_token / add_eos_token win over the post-processor, as transformers' Llama tokenizers rebuild it.
        var wantBos = ConfigBool(config, "add_bos_token") ?? addsBos;
        var wantEos = ConfigBool(config, "add_eos_token") ?? addsEos;
        if ((wantBos != addsBos && _bos is not null) || (wantEos != addsEos && _eos is not null))
        {
            _postProcessor = new ConfiguredSpecials(wantBos ? Special(_bos) : null, wantEos ? Special(_eos) : null);
            addsBos = wantBos;
            addsEos = wantEos;
        }
        AddsBos = addsBos;
        AddsEos = addsEos;
        VocabSize = Math.Max(_model.VocabSize, _added.MaxId + 1);
        // Ids the file names outside any vocabulary would reach the model as rows its embedding does not have.
        foreach (var id in before.Concat(after))
            if (id >= VocabSize || IdToToken(id) is null)
                throw root.Required("post_processor").As("post_processor").Error($"special token id {id} is not in the vocabulary ({VocabSize} ids)");
        if (_pad is { } pad && (pad >= VocabSize || IdToToken(pad) is null))
            throw (root.Optional("padding") ?? root).Error($"pad_id {pad} is not in the vocabulary ({VocabSize} ids)");
    }

    private (string, int)? Special(int? id) => id is { } i ? (IdToToken(i) ?? "", i) : null;

    /// <summary>Loads a tokenizer.json and, when present beside it, tokenizer_config.json.</summary>
    public static new HuggingFaceTokenizer Load(string path)
    {
        if (Directory.Exists(path)) path = Path.Combine(path, "tokenizer.json");
        var file = Path.GetFileName(path);
        using var document = Parse(path);
        var configPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "tokenizer_config.json");
        using var config = File.Exists(configPath) ? Parse(configPath) : null;
        var root = new ConfigNode(document.RootElement, "$", file, "tokenizer");
        if (root.Element.ValueKind != JsonValueKind.Object) throw root.Error("the file must hold a JSON object");
        return new HuggingFaceTokenizer(root, config?.RootElement);
    }

    private static JsonDocument Parse(string path)
    {
        try { return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 256 }); }
        catch (JsonException e)
        {
            throw TokenizerFormatError.Create(Path.GetFileName(path), "json", e.Path ?? "$",
                $"broken JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1} ({e.Message.Split('.')[0]}); re-export or repair the file", e);
        }
    }

    private int? ConfigTokenId(JsonElement? config, string name)
    {
        if (config is not { ValueKind: JsonValueKind.Object } c || !c.TryGetProperty(name, out var v)) return null;
        var content = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Object when v.TryGetProperty("content", out var s) && s.ValueKind == JsonValueKind.String => s.GetString(),
            _ => null,
        };
        return content is null ? null : TokenToId(content);
    }

    private static bool? ConfigBool(JsonElement? config, string name) =>
        config is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? v.GetBoolean() : null;

    /// <inheritdoc/>
    public override int VocabSize { get; }
    /// <inheritdoc/>
    public override int? BosId => _bos;
    /// <inheritdoc/>
    public override int? EosId => _eos;
    /// <inheritdoc/>
    public override int? PadId => _pad;
    /// <inheritdoc/>
    public override bool AddsBos { get; }
    /// <inheritdoc/>
    public override bool AddsEos { get; }

    /// <inheritdoc/>
    public override EncodedText Encode(string text, bool addSpecialTokens, int maxLength, Side truncation)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<PipelineToken>(text.Length / 3 + 4);
        if (_byteLevelWords is not null) TokenizeByteLevel(WellFormed(text), tokens);
        else TokenizeGeneral(text, tokens);
        var room = Math.Max(0, maxLength - (addSpecialTokens ? _postProcessor?.AddedTokens ?? 0 : 0));
        if (tokens.Count > room)
        {
            if (truncation == Side.Left) tokens.RemoveRange(0, tokens.Count - room);
            else tokens.RemoveRange(room, tokens.Count - room);
        }
        _postProcessor?.Process(tokens, addSpecialTokens, text);
        if (tokens.Count > maxLength) tokens.RemoveRange(maxLength, tokens.Count - maxLength);
        var ids = new int[tokens.Count];
        var offsets = new TokenOffset[tokens.Count];
        var mask = new bool[tokens.Count];
        for (var i = 0; i < tokens.Count; i++) (ids[i], offsets[i], mask[i]) = (tokens[i].Id, tokens[i].Offset, tokens[i].Special);
        return new EncodedText(ids, offsets, mask);
    }

    // No normalizer, so offsets are positions in the (well-formed) text itself and added tokens split it in both passes.
    private void TokenizeByteLevel(string text, List<PipelineToken> tokens)
    {
        if (!_added.Matches(normalizedPass: false) && !_added.Matches(normalizedPass: true))
        {
            _byteLevelWords!.Tokenize(text, 0, text.Length, tokens);
            return;
        }
        var raw = new List<(int Start, int Length, int Id)>();
        var normalized = new List<(int Start, int Length, int Id)>();
        _added.Split(text, normalizedPass: false, raw);
        foreach (var (start, length, id) in raw)
        {
            if (id >= 0) { AddAdded(tokens, id, start, length); continue; }
            normalized.Clear();
            _added.Split(text.AsSpan(start, length), normalizedPass: true, normalized);
            foreach (var (s, l, nid) in normalized)
                if (nid >= 0) AddAdded(tokens, nid, start + s, l);
                else _byteLevelWords!.Tokenize(text, start + s, l, tokens);
        }
    }

    private void AddAdded(List<PipelineToken> tokens, int id, int start, int length) =>
        tokens.Add(new PipelineToken(id, IdToToken(id) ?? "", new TokenOffset(start, start + length), false));

    private void TokenizeGeneral(string text, List<PipelineToken> tokens)
    {
        var source = AlignedText.Identity(WellFormed(text), 0, text.Length);
        var segments = new List<(Piece Piece, int Id)>();
        _added.Split(source.All, normalizedPass: false, segments);
        var normalizedSegments = new List<(Piece Piece, int Id)>();
        var pieces = new List<Piece>();
        var modelTokens = new List<ModelToken>();
        foreach (var (raw, rawId) in segments)
        {
            if (rawId >= 0) { AddAdded(tokens, raw, rawId); continue; }
            normalizedSegments.Clear();
            var normalized = _normalizer is null ? raw : _normalizer.Normalize(raw).All;
            _added.Split(normalized, normalizedPass: true, normalizedSegments);
            foreach (var (segment, id) in normalizedSegments)
            {
                if (id >= 0) { AddAdded(tokens, segment, id); continue; }
                pieces.Clear();
                pieces.Add(segment);
                _preTokenizer?.Apply(pieces);
                foreach (var piece in pieces)
                {
                    modelTokens.Clear();
                    _model.Tokenize(piece.Chars, modelTokens);
                    foreach (var t in modelTokens)
                        tokens.Add(new PipelineToken(t.Id, IdToToken(t.Id) ?? "", piece.Source.Original(piece.Start + t.Start, piece.Start + t.End), false));
                }
            }
        }
    }

    private void AddAdded(List<PipelineToken> tokens, Piece piece, int id) =>
        tokens.Add(new PipelineToken(id, IdToToken(id) ?? "", piece.Source.Original(piece.Start, piece.Start + piece.Length), false));

    /// <summary>Lone surrogates become U+FFFD (same length, so offsets still index the caller's string), as the reference's UTF-8 conversion does.</summary>
    private static string WellFormed(string text)
    {
        var i = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0) return text;
        var chars = text.ToCharArray();
        for (; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) { i++; continue; }
            if (char.IsSurrogate(chars[i])) chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    /// <inheritdoc/>
    public override string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var tokens = new List<string>(ids.Length);
        foreach (var id in ids)
        {
            var added = _added.ById(id);
            if (added is { Special: true } && skipSpecialTokens) continue;
            var token = added?.Content ?? _model.IdToToken(id);
            if (token is null) throw new ArgumentOutOfRangeException(nameof(ids), $"Token id {id} is not in this tokenizer's vocabulary of {VocabSize}.");
            tokens.Add(token);
        }
        return _decoder is null ? string.Join(' ', tokens) : string.Concat(_decoder.Decode(tokens));
    }

    /// <inheritdoc/>
    public override string? IdToToken(int id) => _added.ById(id)?.Content ?? _model.IdToToken(id);

    /// <inheritdoc/>
    public override int? TokenToId(string token) => _added.ByContent(token)?.Id ?? _model.TokenToId(token);
}
