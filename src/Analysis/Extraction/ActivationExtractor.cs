using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Analysis.Extraction.Dataset;
using Analysis.Extraction.Sources;
using Analysis.Runtime;
using Analysis.Tokenizers;

namespace Analysis.Extraction;

/// <summary>
/// The main job: text in, activation dataset out. Validates everything first (input, tokenizer, model, hooks, output
/// directory) so that bad input writes nothing; then streams the input once, and for each part this shard owns and has
/// not completed, tokenizes, batches by length, runs the hooked model, selects positions and writes a part file.
/// </summary>
public static class ActivationExtractor
{
    /// <summary>The tool version recorded in manifests.</summary>
    public static string ToolVersion =>
        typeof(ActivationExtractor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Runs an extraction (or resumes one); reports progress after every batch.</summary>
    public static ExtractionSummary Run(ExtractionRequest request, IProgress<ExtractionProgress>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        if (request.MaxLength < 1) throw new BadInputException($"The maximum length (MaxLength, --max-length) must be at least 1, not {request.MaxLength}.");
        if (request.BatchSize < 1) throw new BadInputException($"The batch size (BatchSize, --batch-size) must be at least 1, not {request.BatchSize}.");
        if (request.ExamplesPerPart < 1) throw new BadInputException($"The examples per part (ExamplesPerPart, --examples-per-part) must be at least 1, not {request.ExamplesPerPart}.");
        if (request.Threads < 0) throw new BadInputException($"The thread count (Threads, --threads) must be 0 (one per core) or more, not {request.Threads}.");
        if (request.Positions.NeedsSpan() && request.Source.SpanField is null)
            throw new BadInputException($"--positions {request.Positions.Name()} needs --span-field naming the field that marks each example's span.");
        if (!File.Exists(request.Model)) throw new FileNotFoundException($"The model '{request.Model}' does not exist.", request.Model);

        var source = ExampleSource.Open(request.Data, request.Source, request.ForceCollections);
        var tokenizer = Tokenizer.Load(request.Tokenizer);
        var hooked = HookedModel.Prepare(request.Model, request.Hooks, request.HookMap, request.CacheFolder);
        if (hooked.EmbeddingRows is { } rowsInTable && tokenizer.VocabSize > rowsInTable)
            throw new BadInputException(
                $"The tokenizer '{request.Tokenizer}' has {tokenizer.VocabSize} tokens but the model's embedding has {rowsInTable} rows; use the tokenizer the model was trained with.");
        CheckColumnNames(source.Schema.Labels, hooked);

        // Two steps when positions are selected in the graph: a probe run of the hooked model tells where each hook's token
        // axis is; from that the gathering graph is built (or found in the cache), and the extraction runs it instead.
        // The probe session is closed before the second opens, so the weights are never held twice.
        var sessionOptions = new SessionOptions { Device = request.Device, IntraOpThreads = request.Threads };
        var session = InferenceSession.Open(hooked.Path, sessionOptions);
        ModelInputs inputs;
        List<HookLayout> layouts;
        ModelRecord modelRecord;
        PositionGatherModel? gather = null;
        try
        {
            inputs = new ModelInputs(session.Inputs);
            layouts = ProbeLayouts(session, inputs, hooked, request.MaxLength, Math.Min(tokenizer.BosId ?? 1, (int)(hooked.EmbeddingRows ?? 2) - 1));
            // The hooked model's inputs and outputs, whichever graph runs: the dataset describes the same model either way.
            modelRecord = new ModelRecord(Path.GetFileName(request.Model), hooked.SourceSha256, session.Inputs.Select(i => i.Name).ToList(), session.Outputs.Select(o => o.Name).ToList());
            if (request.Positions != PositionMode.All && request.PositionsInGraph) gather = PositionGatherModel.Prepare(hooked, layouts);
            if (gather is not null)
            {
                session.Dispose();
                session = InferenceSession.Open(gather.Path, sessionOptions);
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }
        using var _ = session;
        var padId = tokenizer.PadId ?? tokenizer.EosId ?? 0;

        var settings = new ExtractionSettings
        {
            ModelFile = Path.GetFileName(request.Model),
            ModelSha256 = hooked.SourceSha256,
            TokenizerFile = Path.GetFileName(request.Tokenizer),
            TokenizerSha256 = TokenizerSha256(request.Tokenizer),
            SourceFile = Path.GetFileName(request.Data),
            SourceSha256 = source.Schema.Sha256,
            SourceRows = source.Schema.Rows,
            TextField = request.Source.TextField,
            SpanField = request.Source.SpanField,
            Labels = source.Schema.Labels.Select(l => new LabelRecord(l.Name, l.Type.ToString().ToLowerInvariant())).ToList(),
            Hooks = hooked.Hooks.Select(h => h.Name).ToList(),
            Positions = request.Positions.Name(),
            MaxLength = request.MaxLength,
            BatchSize = request.BatchSize,
            DType = request.Float16 ? "float16" : "float32",
            ExamplesPerPart = request.ExamplesPerPart,
            Compression = request.Compression.ToString().ToLowerInvariant(),
        };
        var dir = DatasetDirectory.Prepare(request.Output, settings, request.Overwrite);
        dir.RemoveStaleTemporaries(request.Shard);
        var dtype = settings.DType;
        var fields = PartWriter.Fields(source.Schema.Labels, layouts, request.Float16);
        dir.EnsureLayout(new DatasetLayout(
            modelRecord,
            layouts.Select((l, i) => new HookRecord(l.Name, hooked.Hooks[i].Tensor, l.TokenShape.Select(d => (long)d).ToList(), dtype)).ToList(),
            fields.Select(f => new ColumnRecord(f.Name, f.Kind.ToString())).ToList(),
            DateTimeOffset.UtcNow));
        var metadata = new Dictionary<string, string>
        {
            ["analysis.format_version"] = DatasetManifest.CurrentFormatVersion.ToString(),
            ["analysis.hooks"] = JsonSerializer.Serialize(layouts.Select(l => new { name = l.Name, shape = l.TokenShape, dtype })),
            ["analysis.positions"] = settings.Positions,
            ["analysis.char_offsets"] = "unicode code points into the source text, [start, end)",
        };

        var run = new PartRun(request, tokenizer, session, inputs, layouts, gather, source.Schema.Labels, padId, metadata, progress, clock);
        var done = dir.CompletedParts();
        long owned = 0, skipped = 0, written = 0;
        for (long k = 0; k < settings.PartCount; k++) if (request.Shard.Owns(k)) owned += Math.Min(request.ExamplesPerPart, settings.SourceRows - k * request.ExamplesPerPart);
        run.ExamplesTotal = owned;

        long part = 0;
        var chunk = new List<SourceExample>(request.ExamplesPerPart);
        foreach (var example in source.Read())
        {
            chunk.Add(example);
            if (request.ForceCollections) CollectionPacer.Tick();
            if (chunk.Count < request.ExamplesPerPart) continue;
            Handle();
            chunk.Clear();
            part++;
        }
        if (chunk.Count > 0) Handle();

        var merge = ManifestMerge.TryComplete(dir, ToolVersion, request.CommandLine);
        return new ExtractionSummary(dir.Path, request.Shard, written, skipped, run.Examples, run.Rows, run.Tokens, run.Truncated,
            run.Bytes, clock.Elapsed, merge.Manifest is not null, merge.MissingParts, session.DeviceNote, session.Device.ToString(), hooked.Branch?.Describe())
        {
            OutputBytes = run.OutputBytes,
            PositionsInGraph = gather is not null,
        };

        void Handle()
        {
            if (!request.Shard.Owns(part)) return;
            if (done.ContainsKey(part))
            {
                skipped++;
                run.SkipExamples(chunk.Count);
                return;
            }
            cancel.ThrowIfCancellationRequested();
            // Each part starts from a collected heap: before the first, the input scan (validation, row count, label
            // types) leaves garbage in proportion to the input's size, and every finished part leaves its Parquet
            // column buffers (large objects, several times the part's size); the GC reclaims both lazily, so peak
            // memory grew with the input (tools/bench/extraction). One compacting collection per part costs
            // milliseconds against a part's seconds to hours and holds the peak at one part's worth.
            if (request.ForceCollections)
            {
                System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }
            var record = dir.Writing(DatasetDirectory.PartFileName(part), () => run.WritePart(dir, part, chunk, cancel));
            dir.RecordPart(request.Shard, record);
            written++;
        }
    }

    /// <summary>Runs two rows of seven tokens to learn where each hook's token axis is and its per-token shape.</summary>
    internal static List<HookLayout> ProbeLayouts(InferenceSession session, ModelInputs inputs, HookedModel hooked, int maxLength, int tokenId)
    {
        const int batch = 2, length = 7;
        var row = Enumerable.Repeat(tokenId, length).ToArray();
        var names = hooked.Hooks.Select(h => hooked.OutputOf[h.Name]).Distinct().ToList();
        using var results = session.Run(inputs.Build([row, row], length, 0), names);
        return hooked.Hooks.Select(h => HookLayout.Infer(h.Name, hooked.OutputOf[h.Name], results[hooked.OutputOf[h.Name]].Shape, batch, length, maxLength)).ToList();
    }

    private static void CheckColumnNames(IReadOnlyList<LabelColumn> labels, HookedModel hooked)
    {
        string[] fixedColumns = ["example_id", "position", "token_id", "token", "char_start", "char_end", "token_text", "special"];
        foreach (var l in labels)
            if (fixedColumns.Contains(l.Name) || hooked.Hooks.Any(h => h.Name == l.Name))
                throw new BadInputException($"The input field '{l.Name}' would collide with a dataset column of that name; choose the label fields with --labels.");
    }

    private static string TokenizerSha256(string path) =>
        DatasetDirectory.Sha256Of(Directory.Exists(path) ? Path.Combine(path, "tokenizer.json") : path);
}
