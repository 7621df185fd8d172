using Analysis.Numerics;
using Analysis.Runtime;
using Analysis.Tokenizers;

namespace Analysis.Extraction;

/// <summary>How a <see cref="LanguageModel"/> is loaded and run, and the side effects it may have.</summary>
public sealed record LanguageModelOptions
{
    /// <summary>tokenizer.json, a folder holding one, or a llama2.c tokenizer.bin; null: the model's folder.</summary>
    public string? Tokenizer { get; init; }
    /// <summary>An optional hook map file overriding hook discovery.</summary>
    public string? HookMap { get; init; }
    /// <summary>Where to run.</summary>
    public Device Device { get; init; } = Device.Auto;
    /// <summary>Threads for ONNX Runtime (0: one per core).</summary>
    public int Threads { get; init; }
    /// <summary>Where hooked graphs are written and reused (a full copy of the model per hook set); null: <see cref="AnalysisCache.Root"/>.</summary>
    public string? CacheFolder { get; init; }
}

/// <summary>Which tokens of a run become rows of the cache.</summary>
public sealed record RunOptions
{
    /// <summary>All, First or Last (span positions need spans: extract a dataset with a span field instead).</summary>
    public PositionMode Positions { get; init; } = PositionMode.All;
    /// <summary>Tokens per text at most (longer texts are truncated on the right).</summary>
    public int MaxLength { get; init; } = ExtractionRequest.DefaultMaxLength;
    /// <summary>Texts per forward pass.</summary>
    public int BatchSize { get; init; } = ExtractionRequest.DefaultBatchSize;
}

/// <summary>
/// The library's front door: a model and its tokenizer loaded once, then run on texts (or already tokenized texts) to an
/// in-memory <see cref="ActivationCache"/>, or on a dataset file streamed to an activation dataset. Hooked graphs are
/// built once per hook set (in <see cref="LanguageModelOptions.CacheFolder"/>) and their sessions kept until disposal.
/// </summary>
public sealed class LanguageModel : IDisposable
{
    private readonly LanguageModelOptions _options;
    private readonly Dictionary<string, (HookedModel Model, InferenceSession Session, ModelInputs Inputs)> _sessions = new(StringComparer.Ordinal);

    private LanguageModel(string modelPath, string tokenizerPath, Tokenizer tokenizer, LanguageModelOptions options)
    {
        ModelPath = modelPath;
        TokenizerPath = tokenizerPath;
        Tokenizer = tokenizer;
        _options = options;
    }

    /// <summary>The ONNX model file.</summary>
    public string ModelPath { get; }

    /// <summary>The tokenizer file or folder.</summary>
    public string TokenizerPath { get; }

    /// <summary>The loaded tokenizer.</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>Loads the tokenizer and checks the model file; hooked graphs are built on first use of each hook set.</summary>
    public static LanguageModel Load(string modelPath, LanguageModelOptions? options = null)
    {
        options ??= new LanguageModelOptions();
        if (!File.Exists(modelPath)) throw new BadInputException($"The model '{modelPath}' does not exist; pass the path of a model.onnx.");
        var tokenizerPath = options.Tokenizer ?? Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        return new LanguageModel(modelPath, tokenizerPath, Tokenizer.Load(tokenizerPath), options);
    }

    /// <summary>Tokenizes <paramref name="texts"/> (adding special tokens, truncating to the maximum length) and runs them.</summary>
    public ActivationCache RunWithCache(IEnumerable<string> texts, IReadOnlyList<string> hooks, RunOptions? options = null)
    {
        options ??= new RunOptions();
        var encoded = texts.Select(text =>
        {
            var e = Tokenizer.Encode(text);
            return e.Count > options.MaxLength ? Tokenizer.Encode(text, addSpecialTokens: true, options.MaxLength, Side.Right) : e;
        }).ToList();
        return RunWithCache(encoded, hooks, options);
    }

    /// <summary>Runs already tokenized texts (offsets are the tokenizer's, into each text) and caches the hooks' activations at the selected positions.</summary>
    public ActivationCache RunWithCache(IReadOnlyList<EncodedText> batch, IReadOnlyList<string> hooks, RunOptions? options = null)
    {
        options ??= new RunOptions();
        if (options.Positions.NeedsSpan())
            throw new BadInputException($"Positions {options.Positions.Name()} need a span per text; select all, first or last here, or extract a dataset with a span field.");
        if (options.BatchSize < 1) throw new BadInputException($"The batch size must be at least 1, not {options.BatchSize}.");
        if (options.MaxLength < 1) throw new BadInputException($"The maximum length must be at least 1, not {options.MaxLength}.");
        var too = batch.FirstOrDefault(e => e.Count > options.MaxLength);
        if (too is not null) throw new BadInputException($"A tokenized text has {too.Count} tokens, over the maximum length {options.MaxLength}; truncate it or raise MaxLength.");

        var (hooked, session, inputs) = Session(hooks);
        var bos = Math.Min(Tokenizer.BosId ?? 1, (int)(hooked.EmbeddingRows ?? 2) - 1);
        var layouts = ActivationExtractor.ProbeLayouts(session, inputs, hooked, options.MaxLength, bos);
        var padId = Tokenizer.PadId ?? Tokenizer.EosId ?? 0;
        var outputs = layouts.Select(l => l.Output).Distinct().ToList();
        var rows = new List<CachedToken>();
        var values = layouts.Select(_ => new List<float>()).ToArray();
        for (int start = 0; start < batch.Count; start += options.BatchSize)
        {
            var chunk = batch.Skip(start).Take(options.BatchSize).ToList();
            int length = chunk.Max(e => e.Count);
            if (length == 0) continue;
            using var results = session.Run(inputs.Build(chunk.Select(e => e.Ids).ToArray(), length, padId), outputs);
            for (int b = 0; b < chunk.Count; b++)
            {
                var tokens = chunk[b];
                foreach (var t in PositionSelector.Select(options.Positions, tokens, span: null))
                {
                    rows.Add(new CachedToken(start + b, t, tokens.Ids[t], Tokenizer.IdToToken(tokens.Ids[t]) ?? "", tokens.Offsets[t].Start, tokens.Offsets[t].End));
                    for (int h = 0; h < layouts.Count; h++)
                    {
                        var row = new float[layouts[h].Dimension];
                        layouts[h].CopyToken(results[layouts[h].Output], b, t, length, row);
                        values[h].AddRange(row);
                    }
                }
            }
        }
        var matrices = new Dictionary<string, Matrix>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        for (int h = 0; h < layouts.Count; h++)
        {
            matrices[layouts[h].Name] = new Matrix(rows.Count, layouts[h].Dimension, values[h].ToArray());
            shapes[layouts[h].Name] = layouts[h].TokenShape;
        }
        return new ActivationCache(rows, matrices, shapes, layouts.Select(l => l.Name).ToList());
    }

    /// <summary>
    /// Streams the examples of the dataset file <paramref name="data"/> through the model into an activation dataset at
    /// <paramref name="output"/> (resumable; see <see cref="ActivationExtractor.Run"/>). <paramref name="configure"/>
    /// adjusts the request (positions, span field, labels, shards…); the model, tokenizer, device and cache are this model's.
    /// </summary>
    public ExtractionSummary Extract(string data, string output, IReadOnlyList<string> hooks,
        Func<ExtractionRequest, ExtractionRequest>? configure = null, IProgress<ExtractionProgress>? progress = null, CancellationToken cancel = default)
    {
        var request = new ExtractionRequest
        {
            Model = ModelPath, Tokenizer = TokenizerPath, Data = data, Output = output, Hooks = hooks, HookMap = _options.HookMap,
            Device = _options.Device, Threads = _options.Threads, CacheFolder = _options.CacheFolder,
        };
        return ActivationExtractor.Run(configure is null ? request : configure(request), progress, cancel);
    }

    private (HookedModel, InferenceSession, ModelInputs) Session(IReadOnlyList<string> hooks)
    {
        var key = string.Join("\n", hooks);
        if (_sessions.TryGetValue(key, out var open)) return open;
        var hooked = HookedModel.Prepare(ModelPath, hooks, _options.HookMap, _options.CacheFolder);
        var session = InferenceSession.Open(hooked.Path, new SessionOptions { Device = _options.Device, IntraOpThreads = _options.Threads });
        try
        {
            if (hooked.EmbeddingRows is { } rowsInTable && Tokenizer.VocabSize > rowsInTable)
                throw new BadInputException($"The tokenizer '{TokenizerPath}' has {Tokenizer.VocabSize} tokens but the model's embedding has {rowsInTable} rows; use the tokenizer the model was trained with.");
            open = (hooked, session, new ModelInputs(session.Inputs));
        }
        catch
        {
            session.Dispose();
            throw;
        }
        _sessions[key] = open;
        return open;
    }

    /// <summary>Closes every session.</summary>
    public void Dispose()
    {
        foreach (var (_, session, _) in _sessions.Values) session.Dispose();
        _sessions.Clear();
    }
}
