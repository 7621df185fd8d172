using Analysis.Extraction.Dataset;
using Analysis.Runtime;

namespace Analysis.Extraction;

/// <summary>Everything `analysis extract` is asked to do.</summary>
public sealed record ExtractionRequest
{
    /// <summary>The default of <see cref="MaxLength"/>.</summary>
    public const int DefaultMaxLength = 512;
    /// <summary>The default of <see cref="BatchSize"/>.</summary>
    public const int DefaultBatchSize = 16;

    /// <summary>The ONNX model file.</summary>
    public required string Model { get; init; }
    /// <summary>tokenizer.json, a folder holding one, or a llama2.c tokenizer.bin.</summary>
    public required string Tokenizer { get; init; }
    /// <summary>The input dataset.</summary>
    public required string Data { get; init; }
    /// <summary>The output dataset directory.</summary>
    public required string Output { get; init; }
    /// <summary>Hook patterns (globs over canonical names) and raw tensor names.</summary>
    public required IReadOnlyList<string> Hooks { get; init; }
    /// <summary>An optional hook map file overriding discovery.</summary>
    public string? HookMap { get; init; }
    /// <summary>How to read examples from the input.</summary>
    public Sources.SourceOptions Source { get; init; } = new();
    /// <summary>Which token positions become rows.</summary>
    public PositionMode Positions { get; init; } = PositionMode.All;
    /// <summary>
    /// Select positions inside the graph (a gather per hook, so only the selected tokens leave ONNX Runtime) when they are
    /// not all; false fetches every hook's whole output and selects on the CPU. Both write the same bytes.
    /// </summary>
    public bool PositionsInGraph { get; init; } = true;
    /// <summary>Tokens per example at most (longer examples are truncated, and counted).</summary>
    public int MaxLength { get; init; } = DefaultMaxLength;
    /// <summary>Examples per forward pass.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;
    /// <summary>Store activations as float16 instead of float32.</summary>
    public bool Float16 { get; init; }
    /// <summary>Where to run.</summary>
    public Device Device { get; init; } = Device.Auto;
    /// <summary>Threads for ONNX Runtime (0: one per core).</summary>
    public int Threads { get; init; }
    /// <summary>This process's shard.</summary>
    public ShardSpec Shard { get; init; } = ShardSpec.All;
    /// <summary>Examples per part file: the unit of resumption and of sharding.</summary>
    public int ExamplesPerPart { get; init; } = 1024;
    /// <summary>Replace an existing dataset extracted with other settings.</summary>
    public bool Overwrite { get; init; }
    /// <summary>Parquet compression of the part files (none by default: float32 activations do not compress).</summary>
    public Analysis.Parquet.ParquetCompression Compression { get; init; } = Analysis.Parquet.ParquetCompression.Uncompressed;
    /// <summary>
    /// A batch with at least this many bytes of activations becomes a row group of its own, written straight from the
    /// row buffers into the part file; smaller batches are gathered into row groups of up to 128 MiB, whose pages wait
    /// in memory or a spill file until the row group ends (two more copies of every byte). Either way the same rows.
    /// The default is the smallest row group we aim for (64–128 MiB).
    /// </summary>
    public long OwnRowGroupBytes { get; init; } = 64L << 20;
    /// <summary>
    /// Where hooked graphs (and their position-gathering graphs) are built and reused; null: <see cref="AnalysisCache.Root"/>
    /// ($ANALYSIS_CACHE, else ~/.cache/analysis).
    /// </summary>
    public string? CacheFolder { get; init; }
    /// <summary>
    /// Force garbage collections while streaming (young generations every few MiB allocated, a compacting one before each
    /// part), which holds peak memory at one part's worth (<see cref="CollectionPacer"/>). The command line turns it on;
    /// a library caller whose process does other work may prefer the runtime's own pacing.
    /// </summary>
    public bool ForceCollections { get; init; }
    /// <summary>The command line, recorded in the manifest.</summary>
    public IReadOnlyList<string> CommandLine { get; init; } = [];
}

/// <summary>Progress of a running extraction, reported after each batch.</summary>
public sealed record ExtractionProgress(long ExamplesDone, long ExamplesTotal, long Tokens, long Rows, long BytesWritten, TimeSpan Elapsed);

/// <summary>What an extraction did. <c>BranchNote</c>: for an Optimum merged decoder, the If branch that ran (use_cache_branch = false).</summary>
public sealed record ExtractionSummary(
    string Output, ShardSpec Shard, long PartsWritten, long PartsSkipped, long Examples, long Rows, long Tokens,
    long TruncatedExamples, long Bytes, TimeSpan Elapsed, bool DatasetComplete, IReadOnlyList<long> MissingParts,
    string? DeviceNote, string Device, string? BranchNote = null)
{
    /// <summary>Bytes of hook outputs ONNX Runtime handed back over all batches (what left the session; on a GPU, the device).</summary>
    public long OutputBytes { get; init; }

    /// <summary>Whether positions were selected inside the graph (<see cref="ExtractionRequest.PositionsInGraph"/>).</summary>
    public bool PositionsInGraph { get; init; }

    /// <summary>Tokens per second of model input processed.</summary>
    public double TokensPerSecond => Elapsed.TotalSeconds > 0 ? Tokens / Elapsed.TotalSeconds : 0;
}
